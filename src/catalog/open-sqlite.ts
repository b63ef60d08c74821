import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { applyMigrations, type Migration } from './apply-migrations.js';
import { toCatalogError } from './catalog-error.js';
import type { CatalogTables } from './catalog-tables.js';

const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) a SQLite catalog file — WAL, NORMAL sync, a busy timeout, foreign keys —
 * and applies its pending forward-only migrations. Failures are CATALOG_ERROR naming the file.
 */
export async function openSqliteCatalog<T>(file: string, migrations: readonly Migration[]): Promise<Kysely<T>> {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite?.close();
    throw toCatalogError(error, 'be opened', file);
  }
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await applyMigrations(db as unknown as Kysely<CatalogTables>, migrations);
  } catch (error) {
    await db.destroy();
    throw toCatalogError(error, 'apply its schema migrations', file);
  }
  return db;
}
