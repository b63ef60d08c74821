/**
 * The clock guard against the real maintenance: a clock moved 40 days ahead makes every point look
 * expired (and, on local storage, their locks lapsed); while the guard has frozen expiry, maintenance
 * deletes no point but still collects garbage; after an acknowledgement expiry resumes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/clock.js';
import { asPackId, objectKeys } from '../core/ids.js';
import { ClockGuard, type ExpiryFreeze } from './clock-guard.js';
import { runMaintenance, type MaintenanceReport } from './maintenance.js';
import { assertGone, assertKept, prepareState } from './testing/state-fixture.js';
import type { TestVault } from './testing/vault-fixture.js';
import { MemoryTimeLogStore } from './time-log-store.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

function maintain(tv: TestVault, dryRun: boolean, freeze: ExpiryFreeze | undefined): Promise<MaintenanceReport> {
  return tv.vault.maintenance((ctx) =>
    runMaintenance(ctx, { dryRun, ...(freeze === undefined ? {} : { expiryFrozen: freeze }) }),
  );
}

/** A pack no index lists and no point needs (as a backup that never committed leaves one). */
async function putOrphanPack(tv: TestVault): Promise<string> {
  const bytes = randomBytes(1000);
  const packId = asPackId(createHash('sha256').update(bytes).digest('hex'));
  await tv.vault.admin((ctx) => ctx.repo.store.put(objectKeys.pack(packId), bytes));
  return packId;
}

test('an expired point survives maintenance while expiry is frozen, and is deleted after the acknowledgement', async () => {
  const sv = await prepareState('enabled', made);
  const { tv } = sv;
  const guard = new ClockGuard({ clock: tv.clock, store: new MemoryTimeLogStore(), bootId: 'server-1' });
  await guard.sample();
  tv.clock.advanceMs(MS_PER_MINUTE);
  tv.clock.jumpWallMs(40 * MS_PER_DAY); // both points (30 days) now look expired, and their locks lapsed

  const freeze = await guard.checkExpiry();
  assert.ok(freeze !== undefined, 'the jump froze expiry');
  const orphan = await putOrphanPack(tv);

  const dry = await maintain(tv, true, freeze);
  assert.deepEqual(dry.expiredPoints, []);
  assert.deepEqual(dry.expiryFrozen, freeze);

  const frozen = await maintain(tv, false, freeze);
  assert.deepEqual(frozen.expiredPoints, []);
  assert.deepEqual(frozen.deferredPoints, []);
  assert.deepEqual(frozen.expiryFrozen, freeze, 'the report says why nothing expired');
  assert.deepEqual(frozen.deletedPacks, [orphan], 'garbage collection still ran');
  await assertKept(sv, sv.before, '(frozen)');
  await assertKept(sv, sv.after, '(frozen)');
  assert.ok(!(await tv.vault.listAudit()).some((e) => e.action === 'point.expire'));

  await guard.acknowledge('alice', 'the date is right: the server was off for 40 days');
  const resumed = await guard.checkExpiry();
  assert.equal(resumed, undefined);
  const report = await maintain(tv, false, resumed);
  assert.equal(report.expiryFrozen, undefined);
  assert.deepEqual([...report.expiredPoints].sort(), [sv.before.id, sv.after.id].sort());
  await assertGone(sv, sv.before);
  await assertGone(sv, sv.after);
});
