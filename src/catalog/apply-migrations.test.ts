import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { isAmberError } from '../core/errors.js';
import { applyMigrations, type Migration } from './apply-migrations.js';
import { Catalog } from './catalog.js';
import type { CatalogTables } from './catalog-tables.js';
import { MIGRATIONS } from './migrations.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-migrations-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function openKysely(file: string): Kysely<CatalogTables> {
  return new Kysely<CatalogTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
}

function tableMigration(id: number, table: string, calls: string[]): Migration {
  return {
    id,
    name: `create-${table}`,
    async up(db) {
      calls.push(table);
      await db.schema.createTable(table).addColumn('x', 'integer').execute();
    },
  };
}

async function tableNames(db: Kysely<CatalogTables>): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(
    db,
  );
  return result.rows.map((row) => row.name);
}

describe('applyMigrations', () => {
  test('applies each migration once, in order, and records it', async () => {
    const file = join(dir, 'once.db');
    const calls: string[] = [];
    const migrations = [tableMigration(1, 'one', calls), tableMigration(2, 'two', calls)];
    const db = openKysely(file);
    assert.deepEqual(await applyMigrations(db, migrations.slice(0, 1)), [1]);
    assert.deepEqual(await applyMigrations(db, migrations), [2]);
    assert.deepEqual(await applyMigrations(db, migrations), []);
    await db.destroy();
    const reopened = openKysely(file);
    assert.deepEqual(await applyMigrations(reopened, migrations), []);
    assert.deepEqual(calls, ['one', 'two']);
    const recorded = await reopened.selectFrom('schema_migrations').selectAll().orderBy('id').execute();
    assert.deepEqual(recorded, [
      { id: 1, name: 'create-one' },
      { id: 2, name: 'create-two' },
    ]);
    await reopened.destroy();
  });

  test('rolls back a failing migration and keeps the ones before it', async () => {
    const db = openKysely(':memory:');
    const failing: Migration = {
      id: 2,
      name: 'half-done',
      async up(migrationDb) {
        await migrationDb.schema.createTable('half').addColumn('x', 'integer').execute();
        await sql`this is not sql`.execute(migrationDb);
      },
    };
    await assert.rejects(applyMigrations(db, [tableMigration(1, 'one', []), failing]), (error: unknown) => {
      assert.ok(isAmberError(error, 'CATALOG_ERROR'));
      assert.match(error.message, /migration 2 \(half-done\) failed and was rolled back/);
      return true;
    });
    assert.deepEqual(await tableNames(db), ['one', 'schema_migrations']);
    await db.destroy();
  });

  test('refuses a catalog that records a migration this code does not know, before changing anything', async () => {
    const db = openKysely(':memory:');
    await applyMigrations(db, [tableMigration(1, 'one', [])]);
    await db.insertInto('schema_migrations').values({ id: 2, name: 'from-the-future' }).execute();
    const calls: string[] = [];
    await assert.rejects(applyMigrations(db, [tableMigration(1, 'one', calls)]), (error: unknown) => {
      assert.ok(isAmberError(error, 'CATALOG_ERROR'));
      assert.match(error.message, /newer Amber.*migration 2 \(from-the-future\).*knows only 1/);
      return true;
    });
    assert.deepEqual(calls, []);
    await db.destroy();
  });

  test('refuses a catalog whose recorded migration has another name', async () => {
    const db = openKysely(':memory:');
    await applyMigrations(db, [tableMigration(1, 'one', [])]);
    await assert.rejects(
      applyMigrations(db, [tableMigration(1, 'uno', [])]),
      /records schema migration 1 as "create-one"/,
    );
    await db.destroy();
  });

  test('rejects a migration list whose ids are not 1, 2, 3 in order', async () => {
    const db = openKysely(':memory:');
    const list = [tableMigration(1, 'one', []), tableMigration(3, 'three', [])];
    await assert.rejects(applyMigrations(db, list), (error: unknown) => isAmberError(error, 'INTERNAL'));
    await db.destroy();
  });
});

describe('catalog migrations', () => {
  test('the shipped list has consecutive ids and unique names', () => {
    assert.deepEqual(
      MIGRATIONS.map((migration) => migration.id),
      MIGRATIONS.map((_, index) => index + 1),
    );
    assert.equal(new Set(MIGRATIONS.map((migration) => migration.name)).size, MIGRATIONS.length);
  });

  test('Catalog.open refuses a catalog file written by a newer Amber', async () => {
    const file = join(dir, 'newer.db');
    await (await Catalog.open(file)).close();
    const raw = new Database(file);
    raw.prepare('insert into schema_migrations (id, name) values (?, ?)').run(MIGRATIONS.length + 1, 'future');
    raw.close();
    await assert.rejects(Catalog.open(file), (error: unknown) => {
      assert.ok(isAmberError(error, 'CATALOG_ERROR'));
      assert.match(error.message, /written by a newer Amber/);
      return true;
    });
  });
});
