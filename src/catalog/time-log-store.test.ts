import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { isAmberError } from '../core/errors.js';
import { applyMigrations } from './apply-migrations.js';
import type { CatalogTables } from './catalog-tables.js';
import {
  createTimeLogTables,
  SqliteTimeLogStore,
  type ClockAlert,
  type NewTimeLogEntry,
  type TimeLogTables,
} from './time-log-store.js';

let dir: string;
let fileCount = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-time-log-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface OpenLog {
  readonly db: Kysely<TimeLogTables>;
  readonly store: SqliteTimeLogStore;
}

async function openLog(file: string, keepSamples?: number): Promise<OpenLog> {
  const db = new Kysely<TimeLogTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  await applyMigrations(db as unknown as Kysely<CatalogTables>, [
    { id: 1, name: 'create-time-log', up: createTimeLogTables },
  ]);
  return { db, store: new SqliteTimeLogStore(db, { file, ...(keepSamples === undefined ? {} : { keepSamples }) }) };
}

async function withLog(work: (log: OpenLog) => Promise<void>, keepSamples?: number): Promise<void> {
  const log = await openLog(join(dir, `log-${++fileCount}.sqlite`), keepSamples);
  try {
    await work(log);
  } finally {
    await log.db.destroy();
  }
}

function entry(wallMs: number, changes: Partial<NewTimeLogEntry> = {}): NewTimeLogEntry {
  return {
    wallMs,
    monotonicMs: wallMs / 2 + 0.25,
    bootId: 'boot-a',
    skewMs: 0,
    driftMs: 0,
    accumulatedMs: 0,
    ...changes,
  };
}

function alert(id: string, detectedAt: number): ClockAlert {
  return { id, detectedAt, skewMs: 90_000_000, accumulatedMs: 90_000_000, message: `alert ${id}` };
}

describe('SqliteTimeLogStore', () => {
  test('returns entries as appended, numbered in order, fractional monotonic times and drift intact', () =>
    withLog(async ({ store }) => {
      assert.equal(await store.latestEntry(), undefined);
      const first = await store.appendEntry(entry(1000, { driftMs: 1.5 }));
      const second = await store.appendEntry(entry(2000, { skewMs: -3000, accumulatedMs: 3000 }));
      assert.ok(second.seq > first.seq);
      assert.deepEqual(await store.latestEntry(), second);
      assert.deepEqual(second, { seq: second.seq, ...entry(2000, { skewMs: -3000, accumulatedMs: 3000 }) });
      assert.equal(first.monotonicMs, 500.25);
    }));

  test('finds the newest entry of one process run among those of others', () =>
    withLog(async ({ store }) => {
      await store.appendEntry(entry(1000, { bootId: 'a' }));
      const newestOfA = await store.appendEntry(entry(2000, { bootId: 'a' }));
      await store.appendEntry(entry(3000, { bootId: 'b' }));
      assert.deepEqual(await store.latestEntryOfBoot('a'), newestOfA);
      assert.equal((await store.latestEntry())?.bootId, 'b');
      assert.equal(await store.latestEntryOfBoot('c'), undefined);
    }));

  test('keeps only the newest samples', () =>
    withLog(async ({ db, store }) => {
      for (let i = 1; i <= 12; i++) await store.appendEntry(entry(i * 1000));
      const rows = await db.selectFrom('time_log').select('wall_ms').orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => r.wall_ms),
        [8000, 9000, 10000, 11000, 12000],
      );
    }, 5));

  test('raises an alert with its sample, lists open ones and acknowledges all of them at once', () =>
    withLog(async ({ store }) => {
      await store.appendEntry(entry(1000, { accumulatedMs: 90_000_000 }), alert('a1', 1000));
      await store.appendEntry(entry(2000), alert('a2', 2000));
      assert.deepEqual(
        (await store.openAlerts()).map((a) => a.id),
        ['a1', 'a2'],
      );
      const ack = { acknowledgedAt: 5000, acknowledgedBy: 'alice', note: 'NTP fixed' };
      const done = await store.acknowledgeAll(ack, entry(5000, { bootId: 'boot-b' }));
      assert.deepEqual(done, [
        { ...alert('a1', 1000), ...ack },
        { ...alert('a2', 2000), ...ack },
      ]);
      assert.deepEqual(await store.openAlerts(), []);
      assert.deepEqual(await store.listAlerts(1), [{ ...alert('a2', 2000), ...ack }]);
      assert.equal((await store.latestEntry())?.bootId, 'boot-b', 'the baseline entry was appended');
      assert.deepEqual(await store.acknowledgeAll(ack, entry(6000)), []);
    }));

  test('keeps the state in the file: a store opened again sees the samples and alerts', async () => {
    const file = join(dir, 'reopened.sqlite');
    const first = await openLog(file);
    await first.store.appendEntry(entry(1000, { accumulatedMs: 7 }), alert('kept', 1000));
    await first.db.destroy();
    const second = await openLog(file);
    try {
      assert.equal((await second.store.latestEntry())?.accumulatedMs, 7);
      assert.deepEqual(
        (await second.store.openAlerts()).map((a) => a.id),
        ['kept'],
      );
    } finally {
      await second.db.destroy();
    }
  });

  test('an alert whose row cannot be written leaves no sample behind (one transaction)', () =>
    withLog(async ({ store }) => {
      await store.appendEntry(entry(1000), alert('dup', 1000));
      await assert.rejects(store.appendEntry(entry(2000), alert('dup', 2000)), (error: unknown) =>
        isAmberError(error, 'CATALOG_ERROR'),
      );
      assert.equal((await store.latestEntry())?.wallMs, 1000);
    }));

  test('reports a database without the tables as CATALOG_ERROR naming the file', async () => {
    const file = join(dir, 'empty.sqlite');
    const db = new Kysely<TimeLogTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    try {
      const store = new SqliteTimeLogStore(db, { file });
      await assert.rejects(
        store.latestEntry(),
        (error: unknown) => isAmberError(error, 'CATALOG_ERROR') && error.message.includes(file),
      );
    } finally {
      await db.destroy();
    }
  });

  test('refuses to keep fewer than one sample', async () => {
    const db = new Kysely<TimeLogTables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    assert.throws(
      () => new SqliteTimeLogStore(db, { keepSamples: 0 }),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
    await db.destroy();
  });
});
