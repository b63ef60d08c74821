/**
 * The immutability state machine (DESIGN §2.1) through the embedded vault service: enabling applies
 * to existing points, locking has a cooling-off that can be cancelled until it ends, and a lock, once
 * in effect, is final — whatever the clock, a newer settings document or the catalog say.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/clock.js';
import { objectKeys } from '../core/ids.js';
import { saveSettings } from './settings-journal.js';
import {
  assertKept,
  expectRefusal,
  LONG_COOLING_OFF_MS,
  prepareState,
  statObjects,
  type StateVault,
} from './testing/state-fixture.js';
import type { TestVault } from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

/** Every object a restore of the vault's points needs, with the latest retainUntil of a point needing it. */
async function neededKeys(sv: StateVault): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  const need = (key: string, until: number): void => {
    keys.set(key, Math.max(keys.get(key) ?? 0, until));
  };
  await sv.tv.vault.admin(async (ctx) => {
    const points = await ctx.catalog.listPoints();
    const latest = Math.max(...points.map((p) => p.retainUntil));
    need(objectKeys.header, latest);
    for await (const object of ctx.repo.store.list('keys/')) need(object.key, latest);
    for (const point of points) {
      const { body } = await ctx.repo.loadPoint(point.id);
      need(objectKeys.point(point.id), point.retainUntil);
      for (const id of body.packIds) need(objectKeys.pack(id), point.retainUntil);
      for (const id of body.indexIds) need(objectKeys.index(id), point.retainUntil);
    }
  });
  return keys;
}

/** Every needed object carries a lock of `mode` until at least the retainUntil of each point needing it. */
async function assertAllLocked(sv: StateVault, mode: 'governance' | 'compliance'): Promise<void> {
  const needed = await neededKeys(sv);
  for (const info of await statObjects(sv, [...needed.keys()])) {
    assert.equal(info.lock?.mode, mode, `${info.key} carries a ${mode} lock`);
    assert.ok((info.lock?.retainUntil ?? 0) >= (needed.get(info.key) ?? Infinity), `${info.key} is locked long enough`);
  }
}

describe('immutability transitions', () => {
  test('enabling locks every object of the points made before, until their retainUntil', async () => {
    const sv = await prepareState('disabled', made);
    for (const info of await statObjects(sv, [...(await neededKeys(sv)).keys()])) {
      assert.equal(info.lock, undefined, info.key);
    }
    const view = await sv.tv.vault.enableImmutability();
    assert.equal(view.storageLockMode, 'governance');
    await assertAllLocked(sv, 'governance');
    for (const point of await sv.tv.vault.listPoints()) assert.equal(point.lockMode, 'governance');
    const settings = await statObjects(sv, await settingsKeys(sv));
    assert.equal(settings.at(-1)?.lock?.mode, 'governance', 'the newest settings document is locked too');
  });

  test('locking without a cooling-off needs a confirmation; locking a disabled vault is refused', async () => {
    const sv = await prepareState('enabled', made);
    await expectRefusal(
      sv,
      () => sv.tv.vault.lockImmutability({ coolingOffMs: 0, confirmedIrreversible: false }),
      'CONFIRMATION_REQUIRED',
      { action: 'immutability.lock' },
    );
    assert.equal((await sv.tv.vault.showVault()).state, 'enabled');
    await sv.tv.vault.disableImmutability();
    await expectRefusal(
      sv,
      () => sv.tv.vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false }),
      'IMMUTABILITY_NOT_ENABLED',
      { action: 'immutability.lock' },
    );
  });

  test('a pending lock can be cancelled during its cooling-off, not requested twice', async () => {
    const sv = await prepareState('locking', made);
    const { vault } = sv.tv;
    const view = await vault.showVault();
    assert.equal(view.storageLockMode, 'governance');
    assert.equal(view.lockEffectiveAt, (view.lockRequestedAt ?? 0) + LONG_COOLING_OFF_MS);
    await expectRefusal(
      sv,
      () => vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false }),
      'LOCK_ALREADY_PENDING',
      { action: 'immutability.lock' },
    );
    sv.tv.clock.advanceMs(LONG_COOLING_OFF_MS - MS_PER_HOUR);
    assert.equal((await vault.cancelLock()).state, 'enabled');
    assert.ok((await vault.listAudit()).some((e) => e.action === 'immutability.lock_cancelled'));
    assert.equal((await vault.disableImmutability()).state, 'disabled');
  });

  test('once the cooling-off ends the lock is final, stored at once, and every lock becomes compliance', async () => {
    const sv = await prepareState('enabled', made);
    const { vault } = sv.tv;
    await vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false });
    sv.tv.clock.advanceMs(MS_PER_HOUR);
    const view = await vault.showVault();
    assert.equal(view.state, 'locked');
    assert.equal(view.storageLockMode, 'compliance');
    assert.ok(
      (await vault.listAudit()).some((e) => e.action === 'immutability.locked'),
      'the lock is audited',
    );
    await assertAllLocked(sv, 'compliance');
    for (const point of await vault.listPoints()) assert.equal(point.lockMode, 'compliance');
    await expectRefusal(sv, () => vault.cancelLock(), 'VAULT_LOCKED', { action: 'immutability.cancel_lock' });
    await expectRefusal(sv, () => vault.disableImmutability(), 'VAULT_LOCKED', { action: 'immutability.disable' });
    assert.equal((await vault.runMaintenance({ dryRun: false })).lockTookEffect, false, 'already settled');
  });

  test('maintenance reports a lock taking effect, and only reports it on a dry run', async () => {
    const sv = await prepareState('enabled', made);
    const { vault } = sv.tv;
    await vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false });
    sv.tv.clock.advanceMs(MS_PER_HOUR);
    assert.equal((await vault.runMaintenance({ dryRun: true })).lockTookEffect, true);
    assert.equal((await vault.runMaintenance({ dryRun: true })).lockTookEffect, true, 'a dry run changed nothing');
    assert.equal((await vault.runMaintenance({ dryRun: false })).lockTookEffect, true);
    await assertAllLocked(sv, 'compliance');
    assert.equal((await vault.runMaintenance({ dryRun: false })).lockTookEffect, false, 'settled once');
  });

  test('a lock that took effect stays final when the clock is moved back, even before any maintenance', async () => {
    const sv = await prepareState('enabled', made);
    const { vault } = sv.tv;
    await vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false });
    sv.tv.clock.advanceMs(2 * MS_PER_HOUR);
    assert.equal((await vault.showVault()).state, 'locked');
    sv.tv.clock.jumpWallMs(-2 * MS_PER_HOUR);
    await sv.tv.reopen();
    await expectRefusal(sv, () => sv.tv.vault.cancelLock(), 'VAULT_LOCKED', { action: 'immutability.cancel_lock' });
    assert.equal((await sv.tv.vault.showVault()).state, 'locked');
    await expectRefusal(
      sv,
      () => sv.tv.vault.deletePoint(sv.before.id, { bypassGovernance: true }),
      'RETENTION_ACTIVE',
      { action: 'point.delete' },
    );
    await assertKept(sv, sv.before);
  });

  test('a locked vault stays locked whatever a newer settings document says', async () => {
    const sv = await prepareState('locked', made);
    await sv.tv.vault.admin(async (ctx) => {
      await saveSettings(ctx.repo, await ctx.settings(), { immutability: { state: 'enabled' } }, ctx.clock);
    });
    await sv.tv.reopen();
    assert.equal((await sv.tv.vault.showVault()).state, 'locked');
    await expectRefusal(sv, () => sv.tv.vault.disableImmutability(), 'VAULT_LOCKED', {
      action: 'immutability.disable',
    });
    await expectRefusal(
      sv,
      () => sv.tv.vault.updatePolicy('p30', { retention: { kind: 'simple', keepDays: 7 } }),
      'RETENTION_REDUCTION_BLOCKED',
      { action: 'policy.update' },
    );
  });

  test('an edited catalog cannot release a locked point: storage refuses and the refusal is audited', async () => {
    for (const state of ['enabled', 'locked'] as const) {
      const sv = await prepareState(state, made);
      await sv.tv.vault.admin((ctx) =>
        ctx.catalog.updatePointProtection(sv.before.id, { retainUntil: 0, lockMode: 'none', legalHold: false }),
      );
      await expectRefusal(
        sv,
        () => sv.tv.vault.deletePoint(sv.before.id, { bypassGovernance: false }),
        'OBJECT_LOCKED',
        {
          action: 'point.delete',
          target: sv.before.id,
        },
      );
      const report = await sv.tv.vault.runMaintenance({ dryRun: false });
      assert.deepEqual(report.expiredPoints, [], `${state}: nothing expires by the catalog's word`);
      assert.deepEqual(report.deletedPacks, []);
      await assertKept(sv, sv.before, `(${state})`);
      await sv.tv.vault.rebuildCatalog();
      assert.equal((await sv.tv.vault.resolvePoint(sv.before.id)).retainUntil, sv.before.retainUntil);
    }
  });

  test('a point made after the cooling-off ended is locked in compliance mode right away', async () => {
    const sv = await prepareState('enabled', made);
    await sv.tv.vault.lockImmutability({ coolingOffMs: MS_PER_HOUR, confirmedIrreversible: false });
    sv.tv.clock.advanceMs(MS_PER_DAY);
    const point = (await sv.tv.vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
    assert.equal(point.lockMode, 'compliance');
    const [manifest] = await statObjects(sv, [objectKeys.point(point.id)]);
    assert.equal(manifest?.lock?.mode, 'compliance');
  });
});

async function settingsKeys(sv: StateVault): Promise<string[]> {
  const keys: string[] = [];
  await sv.tv.vault.admin(async (ctx) => {
    for await (const object of ctx.repo.store.list('settings/')) keys.push(object.key);
  });
  return keys.sort();
}
