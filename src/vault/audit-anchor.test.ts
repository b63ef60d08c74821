import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { AuditChainHead } from '../core/audit-chain.js';
import { MS_PER_DAY } from '../core/clock.js';
import { objectKeys } from '../core/ids.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { readAuditAnchors, writeAuditAnchor } from './audit-anchor.js';
import { prepareState, type StateVault } from './testing/state-fixture.js';
import { makeTestVault, rejectsWithCode, type TestVault } from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

/** A head source whose head the test moves. */
function movableHead(): { head: AuditChainHead | undefined; source: { head(): Promise<AuditChainHead | undefined> } } {
  const state: { head: AuditChainHead | undefined; source: { head(): Promise<AuditChainHead | undefined> } } = {
    head: undefined,
    source: { head: () => Promise.resolve(state.head) },
  };
  return state;
}

async function anchorsOf(tv: TestVault): Promise<Awaited<ReturnType<typeof readAuditAnchors>>> {
  const store = await LocalStore.open(tv.dir, tv.clock);
  try {
    return await readAuditAnchors(store);
  } finally {
    await store.close();
  }
}

async function statAnchor(tv: TestVault, seq: number): Promise<Awaited<ReturnType<LocalStore['stat']>>> {
  const store = await LocalStore.open(tv.dir, tv.clock);
  try {
    return await store.stat(objectKeys.auditAnchor(seq));
  } finally {
    await store.close();
  }
}

function catalogFile(tv: TestVault): string {
  return path.join(tv.dir, '.catalog', 'catalog.sqlite');
}

describe('writeAuditAnchor and readAuditAnchors', () => {
  test('write the head under audit/<20-digit seq> with the lock given, only when the head moved', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const log = movableHead();
    assert.equal(await writeAuditAnchor(store, log.source, { clock }), undefined, 'an empty log has no head');
    log.head = { seq: 7, hash: HASH_A };
    const lock = { mode: 'governance' as const, retainUntil: clock.nowMs() + MS_PER_DAY };
    assert.deepEqual(await writeAuditAnchor(store, log.source, { clock, lock }), {
      seq: 7,
      hash: HASH_A,
      at: clock.nowMs(),
    });
    assert.equal(objectKeys.auditAnchor(7), 'audit/00000000000000000007');
    assert.deepEqual((await store.stat('audit/00000000000000000007')).lock, lock);
    clock.advanceMs(1000);
    assert.equal(await writeAuditAnchor(store, log.source, { clock }), undefined, 'the head did not move');
    log.head = { seq: 12, hash: HASH_B };
    await writeAuditAnchor(store, log.source, { clock });
    log.head = { seq: 9, hash: HASH_A };
    assert.equal(await writeAuditAnchor(store, log.source, { clock }), undefined, 'a head behind the newest anchor');
    assert.deepEqual(await readAuditAnchors(store), [
      { seq: 7, hash: HASH_A, at: clock.nowMs() - 1000 },
      { seq: 12, hash: HASH_B, at: clock.nowMs() },
    ]);
  });

  test('refuse a malformed anchor as CORRUPT_OBJECT and ignore other keys under audit/', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await store.put('audit/notes', Buffer.from('not an anchor'));
    assert.deepEqual(await readAuditAnchors(store), []);
    await store.put(objectKeys.auditAnchor(3), Buffer.from('{"format":"amber.audit-anchor","version":1,"seq":4}'));
    await rejectsWithCode(readAuditAnchors(store), 'CORRUPT_OBJECT', /audit\/00000000000000000003 .* seq 4/);
  });
});

describe('audit anchors of a vault', () => {
  test('maintenance anchors the head, locked in governance until the latest retainUntil, and only when it moved', async () => {
    const sv: StateVault = await prepareState('enabled', made);
    await sv.tv.vault.runMaintenance({ dryRun: true });
    assert.deepEqual(await anchorsOf(sv.tv), [], 'a dry run writes no anchor');
    await sv.tv.vault.runMaintenance({ dryRun: false });
    const anchors = await anchorsOf(sv.tv);
    const events = await sv.tv.vault.listAudit();
    const head = events.at(-1);
    assert.ok(head !== undefined);
    assert.deepEqual(anchors, [{ seq: head.seq, hash: head.hash, at: sv.tv.clock.nowMs() }]);
    assert.deepEqual((await statAnchor(sv.tv, head.seq)).lock, {
      mode: 'governance',
      retainUntil: sv.after.retainUntil,
    });
    sv.tv.clock.advanceMs(1000);
    await sv.tv.vault.runMaintenance({ dryRun: false });
    assert.equal((await anchorsOf(sv.tv)).length, 1, 'nothing happened since the last anchor');
    await sv.tv.vault.createPolicy({ name: 'p90', retention: { kind: 'simple', keepDays: 90 } });
    await sv.tv.vault.runMaintenance({ dryRun: false });
    const newest = (await anchorsOf(sv.tv)).at(-1);
    assert.equal(newest?.seq, (await sv.tv.vault.listAudit()).at(-1)?.seq);
    const report = await sv.tv.vault.verifyAudit();
    assert.equal(report.ok, true, report.firstBad?.message);
    assert.equal(report.anchorsChecked, 2);
    assert.deepEqual(report.newestAnchor, newest);
    assert.deepEqual((await sv.tv.vault.verify({ readData: true })).problems, [], 'verify ignores anchors');
  });

  test('a locked vault anchors in compliance mode; a disabled one writes its anchor unlocked', async () => {
    const locked = await prepareState('locked', made);
    await locked.tv.vault.runMaintenance({ dryRun: false });
    const lockedHead = (await anchorsOf(locked.tv)).at(-1);
    assert.ok(lockedHead !== undefined);
    assert.equal((await statAnchor(locked.tv, lockedHead.seq)).lock?.mode, 'compliance');
    const disabled = await prepareState('disabled', made);
    await disabled.tv.vault.runMaintenance({ dryRun: false });
    const disabledHead = (await anchorsOf(disabled.tv)).at(-1);
    assert.ok(disabledHead !== undefined);
    assert.equal((await statAnchor(disabled.tv, disabledHead.seq)).lock, undefined);
  });

  test('verify catches the newest events deleted from the catalog after they were anchored', async () => {
    const tv = await makeTestVault('anchor-truncate');
    made.push(tv);
    await tv.vault.createPolicy({ name: 'p7', retention: { kind: 'simple', keepDays: 7 } });
    await tv.vault.createPolicy({ name: 'p8', retention: { kind: 'simple', keepDays: 8 } });
    await tv.vault.runMaintenance({ dryRun: false });
    const anchored = (await anchorsOf(tv)).at(-1);
    assert.ok(anchored !== undefined);
    const db = new Database(catalogFile(tv));
    db.prepare('delete from audit_events where seq >= ?').run(anchored.seq - 1);
    db.close();
    const report = await tv.vault.verifyAudit();
    assert.equal(report.ok, false);
    assert.equal(report.firstBad?.reason, 'anchor-mismatch');
    assert.equal(report.firstBad?.seq, anchored.seq - 1);
    assert.match(report.firstBad?.message ?? '', /the catalog was truncated/);
  });

  test('deleting a vault deletes its anchors; expired anchors do not hold the vault back', async () => {
    const sv = await prepareState('enabled', made);
    await sv.tv.vault.runMaintenance({ dryRun: false });
    assert.equal((await anchorsOf(sv.tv)).length, 1);
    sv.tv.clock.advanceMs(61 * MS_PER_DAY);
    await sv.tv.vault.deleteVault();
    assert.deepEqual(await anchorsOf(sv.tv), []);
  });
});
