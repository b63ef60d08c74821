/**
 * Every cell of the decision table (DESIGN §2.2, docs/immutability.md) through the embedded vault
 * service, on a real local vault per test, in each state: disabled, enabled, locking, locked. Refusals
 * must carry their code and sentence, be in the audit trail, and leave every point restorable.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MS_PER_DAY } from '../core/clock.js';
import { objectKeys } from '../core/ids.js';
import {
  assertGone,
  assertKept,
  expectRefusal,
  isoOf,
  prepareState,
  RETAIN_DAYS,
  STATES,
  statObjects,
} from './testing/state-fixture.js';
import { rejectsWithCode, type TestVault } from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

const PAST_RETENTION_MS = (RETAIN_DAYS + 1) * MS_PER_DAY;
const LOCK_MODE = { disabled: 'none', enabled: 'governance', locking: 'governance', locked: 'compliance' } as const;

for (const state of STATES) {
  const immutable = state !== 'disabled';

  describe(`decision table in a ${state} vault`, () => {
    test('backs up, restores and verifies; points carry the storage lock of the state', async () => {
      const sv = await prepareState(state, made);
      const third = (await sv.tv.vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
      for (const point of [sv.before, sv.after, third]) await assertKept(sv, point);
      const report = await sv.tv.vault.verify({ readData: true });
      assert.deepEqual(report.problems, []);
      assert.equal(report.points, 3);
      for (const point of await sv.tv.vault.listPoints()) assert.equal(point.lockMode, LOCK_MODE[state]);
      const [manifest] = await statObjects(sv, [objectKeys.point(sv.before.id)]);
      if (immutable) {
        assert.equal(manifest?.lock?.mode, LOCK_MODE[state]);
        assert.equal(manifest?.lock?.retainUntil, sv.before.retainUntil, 'lock generations are off');
      } else {
        assert.equal(manifest?.lock, undefined);
      }
    });

    test(`deleting a point before retainUntil is ${immutable ? 'refused (RETENTION_ACTIVE)' : 'allowed'}`, async () => {
      const sv = await prepareState(state, made);
      const del = () => sv.tv.vault.deletePoint(sv.before.id, { bypassGovernance: false });
      if (!immutable) {
        await del();
        await assertGone(sv, sv.before);
        const events = await sv.tv.vault.listAudit();
        assert.ok(events.some((e) => e.action === 'point.delete' && e.outcome === 'ok' && e.target === sv.before.id));
        return;
      }
      const message = await expectRefusal(sv, del, 'RETENTION_ACTIVE', {
        action: 'point.delete',
        target: sv.before.id,
      });
      assert.match(message, isoOf(sv.before.retainUntil), 'the sentence names the date');
      await assertKept(sv, sv.before);
    });

    test(`deleting a point before retainUntil with governance bypass is ${
      { disabled: 'allowed', enabled: 'APPROVAL_REQUIRED', locking: 'APPROVAL_REQUIRED', locked: 'RETENTION_ACTIVE' }[
        state
      ]
    }`, async () => {
      const sv = await prepareState(state, made);
      const del = () => sv.tv.vault.deletePoint(sv.after.id, { bypassGovernance: true });
      if (!immutable) {
        await del();
        await assertGone(sv, sv.after);
        return;
      }
      const code = state === 'locked' ? 'RETENTION_ACTIVE' : 'APPROVAL_REQUIRED';
      await expectRefusal(sv, del, code, { action: 'point.delete', target: sv.after.id });
      await assertKept(sv, sv.after);
      await assertKept(sv, sv.before);
    });

    test('a point past its retainUntil is deleted on request and expired by maintenance', async () => {
      const sv = await prepareState(state, made);
      sv.tv.clock.advanceMs(PAST_RETENTION_MS);
      await sv.tv.vault.deletePoint(sv.before.id, { bypassGovernance: false });
      await assertGone(sv, sv.before);
      const report = await sv.tv.vault.runMaintenance({ dryRun: false });
      assert.deepEqual(report.expiredPoints, [sv.after.id]);
      assert.deepEqual(report.deferredPoints, []);
      assert.ok(report.deletedPacks.length > 0, 'the packs nobody needs are collected');
      await assertGone(sv, sv.after);
      const events = await sv.tv.vault.listAudit();
      assert.ok(events.some((e) => e.action === 'point.expire' && e.target === sv.after.id && e.outcome === 'ok'));
      assert.deepEqual((await sv.tv.vault.verify({ readData: true })).problems, []);
      assert.equal((await sv.tv.vault.showVault()).state, state, 'expiry leaves the state as it was');
    });

    test('a point under legal hold cannot be deleted, even with bypass or once expired', async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      await vault.setLegalHold(sv.before.id, 'case 42');
      for (const bypassGovernance of [false, true]) {
        await expectRefusal(sv, () => vault.deletePoint(sv.before.id, { bypassGovernance }), 'LEGAL_HOLD_ACTIVE', {
          action: 'point.delete',
          target: sv.before.id,
        });
      }
      sv.tv.clock.advanceMs(PAST_RETENTION_MS);
      const report = await vault.runMaintenance({ dryRun: false });
      assert.deepEqual(report.expiredPoints, [sv.after.id], 'only the un-held point expires');
      await expectRefusal(sv, () => vault.deletePoint(sv.before.id, { bypassGovernance: true }), 'LEGAL_HOLD_ACTIVE', {
        action: 'point.delete',
      });
      await assertKept(sv, sv.before, '(held)');
      assert.deepEqual((await vault.verify({ readData: true })).problems, []);
      await vault.releaseLegalHold(sv.before.id);
      assert.deepEqual((await vault.runMaintenance({ dryRun: false })).expiredPoints, [sv.before.id]);
      await assertGone(sv, sv.before);
    });

    test('stopping protection and retaining the data is allowed', async () => {
      const sv = await prepareState(state, made);
      const { item, deletedPoints } = await sv.tv.vault.stopItem('docs', false);
      assert.equal(item.state, 'stopped-retain');
      assert.deepEqual(deletedPoints, []);
      await assertKept(sv, sv.before);
      await assertKept(sv, sv.after);
      await rejectsWithCode(
        sv.tv.vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' }),
        'INVALID_ARGUMENT',
        /stopped/,
      );
    });

    test(`stopping protection and deleting the data is ${immutable ? 'refused while points are unexpired' : 'allowed'}`, async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      if (immutable) {
        const message = await expectRefusal(sv, () => vault.stopItem('docs', true), 'UNEXPIRED_POINTS_EXIST', {
          action: 'item.stop',
          target: 'docs',
        });
        assert.match(message, isoOf(sv.after.retainUntil), 'the sentence names the latest retainUntil');
        await assertKept(sv, sv.before);
        await assertKept(sv, sv.after);
        assert.equal((await vault.listItems())[0]?.state, 'protected');
        sv.tv.clock.advanceMs(PAST_RETENTION_MS);
      }
      const { item, deletedPoints } = await vault.stopItem('docs', true);
      assert.equal(item.state, 'stopped-delete');
      assert.deepEqual([...deletedPoints].sort(), [sv.before.id, sv.after.id].sort());
      await assertGone(sv, sv.before);
      await assertGone(sv, sv.after);
    });

    test('stopping protection and deleting the data is refused while a point is held', async () => {
      const sv = await prepareState(state, made);
      await sv.tv.vault.setLegalHold(sv.after.id, 'litigation');
      sv.tv.clock.advanceMs(PAST_RETENTION_MS);
      await expectRefusal(sv, () => sv.tv.vault.stopItem('docs', true), 'LEGAL_HOLD_ACTIVE', { action: 'item.stop' });
      await assertKept(sv, sv.before);
      await assertKept(sv, sv.after);
    });

    test('increasing policy retention and changing the schedule are allowed and extend existing points', async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      const updated = await vault.updatePolicy('p30', {
        retention: { kind: 'simple', keepDays: 45 },
        schedule: '0 3 * * *',
      });
      assert.deepEqual(updated.retention, { kind: 'simple', keepDays: 45 });
      assert.equal(updated.schedule, '0 3 * * *');
      await vault.updatePolicy('p30', { schedule: null });
      const moved = await vault.moveItem('docs', 'p60');
      assert.equal(moved.policy, 'p60');
      const points = await vault.listPoints();
      for (const point of points) {
        assert.equal(point.retainUntil, point.createdAt + 60 * MS_PER_DAY, 'the existing point is kept 60 days now');
      }
      if (immutable) {
        const [manifest] = await statObjects(sv, [objectKeys.point(sv.before.id)]);
        assert.ok((manifest?.lock?.retainUntil ?? 0) >= sv.before.createdAt + 60 * MS_PER_DAY, 'storage lock extended');
      }
      sv.tv.clock.advanceMs(PAST_RETENTION_MS);
      assert.deepEqual((await vault.runMaintenance({ dryRun: false })).expiredPoints, []);
      await assertKept(sv, sv.before);
      const next = (await vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
      assert.equal(next.retainUntil, next.createdAt + 60 * MS_PER_DAY);
    });

    test(`reducing policy retention or moving the item to a shorter policy is ${immutable ? 'refused' : 'allowed'}`, async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      const reduce = () => vault.updatePolicy('p30', { retention: { kind: 'simple', keepDays: 7 } });
      const move = () => vault.moveItem('docs', 'p7');
      if (!immutable) {
        await reduce();
        await move();
        assert.equal((await vault.listItems())[0]?.policy, 'p7');
        await assertKept(sv, sv.before);
        return;
      }
      await expectRefusal(sv, reduce, 'RETENTION_REDUCTION_BLOCKED', { action: 'policy.update', target: 'p30' });
      const gfsMixed = () =>
        vault.updatePolicy('p30', { retention: { kind: 'gfs', daily: 40, weekly: 0, monthly: 0, yearly: 0 } });
      await gfsMixed(); // 40 days for every point: longer, allowed
      await expectRefusal(sv, move, 'RETENTION_REDUCTION_BLOCKED', { action: 'item.move', target: 'docs' });
      assert.equal((await vault.listItems())[0]?.policy, 'p30');
      const p30 = (await vault.listPolicies()).find((p) => p.name === 'p30');
      assert.equal(p30?.retention.kind, 'gfs');
      await assertKept(sv, sv.before);
      await assertKept(sv, sv.after);
    });

    test(`lowering the vault minimum or a maximum below existing points is ${immutable ? 'refused' : 'allowed'}`, async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      const changes = [{ minRetentionDays: 3 }, { minRetentionDays: null }, { maxRetentionDays: 20 }] as const;
      for (const change of changes) {
        if (immutable) {
          await expectRefusal(sv, () => vault.setVaultOptions(change), 'RETENTION_REDUCTION_BLOCKED', {
            action: 'vault.set',
          });
        } else {
          await vault.setVaultOptions(change);
          await vault.setVaultOptions({ minRetentionDays: 5, maxRetentionDays: null });
        }
      }
      const view = await vault.setVaultOptions({ minRetentionDays: 6, maxRetentionDays: 400 });
      assert.equal(view.minRetentionDays, 6, 'raising the minimum is allowed in every state');
      assert.equal(view.maxRetentionDays, 400, 'a maximum above every point is allowed in every state');
      await rejectsWithCode(
        vault.createPolicy({ name: 'p2', retention: { kind: 'simple', keepDays: 2 } }),
        'RETENTION_BELOW_MINIMUM',
      );
      await rejectsWithCode(
        vault.backup({ item: 'adhoc', paths: [sv.src], retainDays: 500, hostname: 'test' }),
        'RETENTION_ABOVE_MAXIMUM',
      );
      await assertKept(sv, sv.before);
    });

    test(`disabling immutability is ${{ disabled: 'a no-op', enabled: 'allowed', locking: 'refused (VAULT_LOCKED)', locked: 'refused (VAULT_LOCKED)' }[state]}`, async () => {
      const sv = await prepareState(state, made);
      const { vault } = sv.tv;
      if (state === 'disabled' || state === 'enabled') {
        assert.equal((await vault.disableImmutability()).state, 'disabled');
        // Disabled now: a point may be deleted before its retainUntil, whatever locks enabling left.
        await vault.deletePoint(sv.before.id, { bypassGovernance: false });
        await assertGone(sv, sv.before);
        await assertKept(sv, sv.after);
        return;
      }
      await expectRefusal(sv, () => vault.disableImmutability(), 'VAULT_LOCKED', { action: 'immutability.disable' });
      assert.equal((await vault.showVault()).state, state);
      if (state === 'locked') {
        await expectRefusal(sv, () => vault.enableImmutability(), 'VAULT_LOCKED', { action: 'immutability.enable' });
      } else {
        assert.equal((await vault.enableImmutability()).state, 'locking', 'enabling a locking vault changes nothing');
      }
      await assertKept(sv, sv.before);
    });
  });
}

describe('stopping protection with data deletion, past retention', () => {
  test('deletes what storage allows and leaves points whose lock generation runs on to maintenance', async () => {
    const sv = await prepareState('enabled', made);
    const { vault } = sv.tv;
    await vault.setVaultOptions({ lockGenerationDays: 10 });
    const third = (await vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
    sv.tv.clock.advanceMs(PAST_RETENTION_MS);
    const outcome = await vault.stopItem('docs', true);
    assert.equal(outcome.item.state, 'stopped-delete');
    assert.deepEqual([...outcome.deletedPoints].sort(), [sv.before.id, sv.after.id].sort());
    assert.deepEqual(outcome.deferredPoints, [third.id], 'its lock ends on the next generation boundary');
    await assertKept(sv, third, '(deferred)');
    sv.tv.clock.advanceMs(10 * MS_PER_DAY);
    assert.deepEqual((await vault.runMaintenance({ dryRun: false })).expiredPoints, [third.id]);
    await assertGone(sv, third);
  });
});
