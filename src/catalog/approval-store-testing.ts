import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { applyMigrations, type Migration } from './apply-migrations.js';
import type { CatalogTables } from './catalog-tables.js';
import { createApprovalTables, type ApprovalTables } from './approval-store-tables.js';

/** The one migration a catalog needs for approvals, as a server catalog would list it. */
export const APPROVAL_TABLES_MIGRATION: Migration = {
  id: 1,
  name: 'create-approval-tables',
  up: createApprovalTables,
};

/**
 * For tests: opens (creating) an SQLite file with the pragmas of the real catalogs and the approval
 * tables, through the same migration runner. Several processes or worker threads may open one file.
 */
export async function openApprovalDatabase(file: string): Promise<Kysely<ApprovalTables>> {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<ApprovalTables>({ dialect: new SqliteDialect({ database: sqlite }) });
  await applyMigrations(db as unknown as Kysely<CatalogTables>, [APPROVAL_TABLES_MIGRATION]);
  return db;
}
