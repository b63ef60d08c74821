import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { AUDIT_GENESIS_HASH, auditEventHash, type AuditVerifyReport } from '../core/audit-chain.js';
import { applyMigrations } from './apply-migrations.js';
import type { AuditEvent } from './audit-event.js';
import { AuditLog, createChainedAuditTable, type AuditTables } from './audit-log.js';
import { Catalog } from './catalog.js';
import type { CatalogTables } from './catalog-tables.js';
import { MIGRATIONS } from './migrations.js';

const START_MS = 1_767_225_600_000;
const MINUTE_MS = 60_000;

let dir: string;
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-audit-log-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newFile = (): string => join(dir, `catalog-${++files}.sqlite`);

function event(n: number, changes: Partial<AuditEvent> = {}): AuditEvent {
  return {
    at: START_MS + n * MINUTE_MS,
    actor: n % 2 === 0 ? 'local:alice' : 'local:bob',
    action: n % 3 === 0 ? 'point.delete' : 'point.create',
    target: `point-${n}`,
    outcome: n % 3 === 0 ? 'refused' : 'ok',
    ...(n % 3 === 0 ? { code: 'RETENTION_ACTIVE' } : {}),
    message: `Event number ${n}.`,
    details: { n, nested: { z: [n], a: 'x' } },
    ...changes,
  };
}

/** A catalog file holding events 1…count. */
async function catalogWith(count: number): Promise<{ file: string; catalog: Catalog }> {
  const file = newFile();
  const catalog = await Catalog.open(file);
  for (let n = 1; n <= count; n++) await catalog.appendAudit(event(n));
  return { file, catalog };
}

/** Changes the catalog file behind the service's back, as someone with write access to it could. */
function tamper(file: string, work: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    work(db);
  } finally {
    db.close();
  }
}

interface RawRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  code: string | null;
  message: string;
  details: string;
  prev_hash: string;
  hash: string;
}

function rawRow(db: Database.Database, seq: number): RawRow {
  return db.prepare('select * from audit_events where seq = ?').get(seq) as RawRow;
}

function assertBroken(report: AuditVerifyReport, seq: number, reason: string): void {
  assert.equal(report.ok, false);
  assert.equal(report.firstBad?.reason, reason, report.firstBad?.message);
  assert.equal(report.firstBad?.seq, seq, report.firstBad?.message);
}

describe('AuditLog', () => {
  test('numbers each event after the newest and chains it to the newest hash', async () => {
    const { catalog } = await catalogWith(3);
    const events = await catalog.listAudit();
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(events[0]?.prevHash, AUDIT_GENESIS_HASH);
    assert.equal(events[1]?.prevHash, events[0]?.hash);
    assert.equal(events[2]?.prevHash, events[1]?.hash);
    const first = events[0];
    assert.ok(first !== undefined);
    assert.equal(first.hash, auditEventHash(first, AUDIT_GENESIS_HASH));
    assert.deepEqual(await catalog.auditHead(), { seq: 3, hash: events[2]?.hash });
    const appended = await catalog.appendAudit(event(4));
    assert.deepEqual(await catalog.listAudit({ afterSeq: 3 }), [appended]);
    assert.deepEqual(await catalog.verifyAudit(), {
      ok: true,
      checked: 4,
      head: { seq: 4, hash: appended.hash },
      anchorsChecked: 0,
    });
    await catalog.close();
  });

  test('hashes the details as they are read back, so verification agrees', async () => {
    const { catalog } = await catalogWith(0);
    await catalog.appendAudit(
      event(1, { details: { gone: undefined, list: [1, undefined], b: 2, a: { d: 1, c: 2 } } }),
    );
    const [stored] = await catalog.listAudit();
    assert.deepEqual(stored?.details, { list: [1, null], b: 2, a: { d: 1, c: 2 } });
    assert.equal((await catalog.verifyAudit()).ok, true);
    await catalog.close();
  });

  test('lists events by actor, action or its dotted prefix, outcome, target, time and page', async () => {
    const { catalog } = await catalogWith(9);
    const seqs = async (filter: Parameters<Catalog['listAudit']>[0]): Promise<number[]> =>
      (await catalog.listAudit(filter)).map((e) => e.seq);
    assert.deepEqual(await seqs({ actor: 'local:alice' }), [2, 4, 6, 8]);
    assert.deepEqual(await seqs({ action: 'point.delete' }), [3, 6, 9]);
    assert.deepEqual(await seqs({ action: 'point' }), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await seqs({ action: 'poin' }), []);
    assert.deepEqual(await seqs({ outcome: 'refused', actor: 'local:bob' }), [3, 9]);
    assert.deepEqual(await seqs({ target: 'point-5' }), [5]);
    assert.deepEqual(await seqs({ sinceAt: START_MS + 4 * MINUTE_MS, untilAt: START_MS + 7 * MINUTE_MS }), [4, 5, 6]);
    assert.deepEqual(await seqs({ afterSeq: 4, limit: 2 }), [5, 6]);
    await catalog.close();
  });

  test('verifies page by page and compares the anchors it is given', async () => {
    const file = newFile();
    const db = new Kysely<AuditTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await createChainedAuditTable(db as unknown as Kysely<unknown>);
    const log = new AuditLog(db, file, { pageEvents: 2 });
    for (let n = 1; n <= 5; n++) await log.append(event(n));
    const head = await log.head();
    assert.equal(head?.seq, 5);
    const anchors = [{ seq: 3, hash: (await log.list({ afterSeq: 2, limit: 1 }))[0]?.hash ?? '', at: START_MS }];
    const report = await log.verify(anchors);
    assert.equal(report.ok, true, report.firstBad?.message);
    assert.equal(report.checked, 5);
    assert.deepEqual(report.newestAnchor, anchors[0]);
    await sql`update audit_events set message = 'changed' where seq = 4`.execute(db);
    assertBroken(await log.verify(anchors), 4, 'edited');
    await db.destroy();
  });
});

describe('AuditLog against a catalog changed behind its back', () => {
  test('names an event whose message was edited', async () => {
    const { file, catalog } = await catalogWith(6);
    tamper(file, (db) => db.prepare("update audit_events set message = 'Nothing happened.' where seq = 4").run());
    const report = await catalog.verifyAudit();
    assertBroken(report, 4, 'edited');
    assert.equal(report.firstBad?.message, 'Audit event 4 was edited: its hash does not match its contents.');
    await catalog.close();
  });

  test('names a deleted event', async () => {
    const { file, catalog } = await catalogWith(6);
    tamper(file, (db) => db.prepare('delete from audit_events where seq = 3').run());
    assertBroken(await catalog.verifyAudit(), 3, 'deleted');
    await catalog.close();
  });

  test('names a forged event inserted with a plausible hash, the later events renumbered', async () => {
    const { file, catalog } = await catalogWith(6);
    tamper(file, (db) => {
      db.prepare('update audit_events set seq = seq + 1000 where seq >= 3').run();
      db.prepare('update audit_events set seq = seq - 999 where seq >= 1000').run();
      const forged = { ...event(3, { actor: 'mallory', message: 'Retention shortened with approval.' }), seq: 3 };
      const prevHash = rawRow(db, 2).hash;
      db.prepare(
        'insert into audit_events (seq, at, actor, action, target, outcome, code, message, details, prev_hash, hash) ' +
          'values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        3,
        forged.at,
        forged.actor,
        forged.action,
        forged.target,
        forged.outcome,
        forged.code ?? null,
        forged.message,
        JSON.stringify(forged.details),
        prevHash,
        auditEventHash(forged, prevHash),
      );
    });
    const report = await catalog.verifyAudit();
    assertBroken(report, 3, 'inserted');
    assert.match(report.firstBad?.message ?? '', /^Audit event 3 was inserted/);
    await catalog.close();
  });

  test('names two events whose contents were swapped', async () => {
    const { file, catalog } = await catalogWith(6);
    tamper(file, (db) => {
      const [a, b] = [rawRow(db, 2), rawRow(db, 5)];
      const put = db.prepare(
        'update audit_events set at = ?, actor = ?, action = ?, target = ?, outcome = ?, code = ?, message = ?, ' +
          'details = ?, prev_hash = ?, hash = ? where seq = ?',
      );
      for (const [row, seq] of [
        [b, 2],
        [a, 5],
      ] as const) {
        put.run(
          row.at,
          row.actor,
          row.action,
          row.target,
          row.outcome,
          row.code,
          row.message,
          row.details,
          row.prev_hash,
          row.hash,
          seq,
        );
      }
    });
    assertBroken(await catalog.verifyAudit(), 2, 'reordered');
    await catalog.close();
  });

  test('catches the newest events deleted only through an anchor', async () => {
    const { file, catalog } = await catalogWith(6);
    const head = await catalog.auditHead();
    assert.ok(head !== undefined);
    tamper(file, (db) => db.prepare('delete from audit_events where seq >= 5').run());
    assert.equal((await catalog.verifyAudit()).ok, true, 'a truncated chain is still a chain');
    assertBroken(await catalog.verifyAudit([{ ...head, at: START_MS }]), 5, 'anchor-mismatch');
    await catalog.close();
  });
});

describe('audit chain migration and concurrency', () => {
  test('migration 3 chains the events a catalog recorded before it, and appending continues the chain', async () => {
    const file = newFile();
    const db = new Kysely<CatalogTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await applyMigrations(db, MIGRATIONS.slice(0, 2));
    for (let n = 1; n <= 3; n++) {
      const e = event(n);
      await sql`insert into audit_events (at, actor, action, target, outcome, code, message, details)
        values (${e.at}, ${e.actor}, ${e.action}, ${e.target}, ${e.outcome}, ${e.code ?? null}, ${e.message},
        ${JSON.stringify(e.details)})`.execute(db);
    }
    await db.destroy();
    const catalog = await Catalog.open(file);
    const before = await catalog.listAudit();
    assert.deepEqual(
      before.map((e) => [e.seq, e.message]),
      [
        [1, 'Event number 1.'],
        [2, 'Event number 2.'],
        [3, 'Event number 3.'],
      ],
    );
    assert.equal(before[0]?.prevHash, AUDIT_GENESIS_HASH);
    assert.equal((await catalog.verifyAudit()).ok, true);
    await catalog.appendAudit(event(4));
    const report = await catalog.verifyAudit();
    assert.equal(report.ok, true, report.firstBad?.message);
    assert.equal(report.checked, 4);
    await catalog.close();
  });

  test('four processes appending at once never fork the chain, nor fail', async () => {
    const file = newFile();
    await (await Catalog.open(file)).close();
    const catalogModule = new URL('./catalog.js', import.meta.url).href;
    const script = `
      const { Catalog } = await import(${JSON.stringify(catalogModule)});
      const catalog = await Catalog.open(process.argv[1]);
      for (let n = 0; n < 150; n++) {
        await catalog.appendAudit({ at: n, actor: process.argv[2], action: 'test.append', target: 't', outcome: 'ok', message: 'm' + n });
      }
      await catalog.close();
    `;
    const run = (actor: string): Promise<number | null> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, file, actor], { stdio: 'inherit' });
        child.once('error', reject);
        child.once('close', resolve);
      });
    assert.deepEqual(await Promise.all(['one', 'two', 'three', 'four'].map(run)), [0, 0, 0, 0]);
    const catalog = await Catalog.open(file);
    const events = await catalog.listAudit();
    assert.equal(events.length, 600);
    assert.deepEqual(
      events.map((e) => e.seq),
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
    const report = await catalog.verifyAudit();
    assert.equal(report.ok, true, report.firstBad?.message);
    await catalog.close();
  });
});
