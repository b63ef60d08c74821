import { sql, type Kysely } from 'kysely';
import { AmberError } from '../core/errors.js';
import type { CatalogTables } from './catalog-tables.js';

/** One forward-only schema step. `id`s are 1, 2, 3… in list order; a shipped migration never changes. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

interface AppliedMigration {
  readonly id: number;
  readonly name: string;
}

/**
 * Brings the catalog schema up to date: applies every migration not yet recorded in
 * `schema_migrations`, each in its own `BEGIN IMMEDIATE` transaction (so two processes opening the
 * same catalog never apply one twice). Refuses, before changing anything, a catalog that records a
 * migration this code does not know (written by a newer Amber) or under another name. Returns the ids
 * it applied.
 */
export async function applyMigrations(
  db: Kysely<CatalogTables>,
  migrations: readonly Migration[],
): Promise<readonly number[]> {
  checkMigrationList(migrations);
  return db.connection().execute(async (conn) => {
    await sql`create table if not exists schema_migrations (id integer primary key, name text not null) strict`.execute(
      conn,
    );
    const recorded = await conn.selectFrom('schema_migrations').select(['id', 'name']).orderBy('id').execute();
    checkRecorded(recorded, migrations);
    const recordedIds = new Set(recorded.map((row) => row.id));
    const appliedIds: number[] = [];
    for (const migration of migrations) {
      if (recordedIds.has(migration.id)) continue;
      if (await applyOne(conn, migration)) appliedIds.push(migration.id);
    }
    return appliedIds;
  });
}

/** Applies one migration unless another process recorded it meanwhile; true when it ran here. */
async function applyOne(conn: Kysely<CatalogTables>, migration: Migration): Promise<boolean> {
  try {
    await sql`begin immediate`.execute(conn);
    const already = await conn
      .selectFrom('schema_migrations')
      .select('id')
      .where('id', '=', migration.id)
      .executeTakeFirst();
    if (already === undefined) {
      // Migrations describe history, so they see an untyped database, not today's table types.
      await migration.up(conn as unknown as Kysely<unknown>);
      await conn.insertInto('schema_migrations').values({ id: migration.id, name: migration.name }).execute();
    }
    await sql`commit`.execute(conn);
    return already === undefined;
  } catch (error) {
    // SQLite may already have rolled back by itself (e.g. SQLITE_FULL); the original error is what matters.
    await sql`rollback`.execute(conn).catch(() => undefined);
    if (error instanceof AmberError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AmberError(
      'CATALOG_ERROR',
      `Catalog migration ${migration.id} (${migration.name}) failed and was rolled back: ${reason}.`,
      { cause: error, details: { migrationId: migration.id, migrationName: migration.name } },
    );
  }
}

function checkRecorded(recorded: readonly AppliedMigration[], migrations: readonly Migration[]): void {
  const knownCount = migrations.length;
  for (const row of recorded) {
    const known = migrations[row.id - 1];
    if (known === undefined) {
      throw new AmberError(
        'CATALOG_ERROR',
        `The catalog was written by a newer Amber: it records schema migration ${row.id} (${row.name}) but this ` +
          `Amber knows only ${knownCount}; upgrade Amber, or rebuild the catalog from storage.`,
        { details: { recordedId: row.id, recordedName: row.name, knownCount } },
      );
    }
    if (known.name !== row.name) {
      throw new AmberError(
        'CATALOG_ERROR',
        `The catalog records schema migration ${row.id} as "${row.name}" but this Amber calls it "${known.name}"; ` +
          'it was written by an incompatible build, so rebuild the catalog from storage.',
        { details: { recordedId: row.id, recordedName: row.name, knownName: known.name } },
      );
    }
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.id !== index + 1) {
      throw new AmberError(
        'INTERNAL',
        `Catalog migration "${migration.name}" has id ${migration.id} at position ${index + 1}; ids must be 1, 2, 3… in order.`,
      );
    }
  });
}
