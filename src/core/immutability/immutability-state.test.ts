import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, toIso } from '../clock.js';
import { FakeClock } from '../testing/fake-clock.js';
import {
  cancelLock,
  DEFAULT_COOLING_OFF_MS,
  disableImmutability,
  effectiveImmutability,
  enableImmutability,
  requestLock,
  storageLockModeFor,
  type LockRequest,
  type Transition,
  type VaultImmutability,
} from './immutability-state.js';
import { assertRefused } from './testing/assert-decision.js';

const NOW = new FakeClock().nowMs();
const DISABLED: VaultImmutability = { state: 'disabled' };
const ENABLED: VaultImmutability = { state: 'enabled' };
const LOCKING: VaultImmutability = {
  state: 'locking',
  lockRequestedAt: NOW - MS_PER_HOUR,
  lockEffectiveAt: NOW + 71 * MS_PER_HOUR,
};
const LOCKED: VaultImmutability = {
  state: 'locked',
  lockRequestedAt: NOW - 10 * MS_PER_DAY,
  lockEffectiveAt: NOW - 7 * MS_PER_DAY,
};
const LOCK_72H: LockRequest = {
  coolingOffMs: DEFAULT_COOLING_OFF_MS,
  minCoolingOffMs: MS_PER_HOUR,
  confirmedIrreversible: false,
};

function assertMoved(transition: Transition, next: VaultImmutability, event: string): void {
  assert.ok(transition.allowed, transition.allowed ? '' : transition.reason);
  assert.deepEqual(transition, { ok: true, allowed: true, next, event });
}

describe('immutability state machine', () => {
  test('uses a cooling-off of 72 hours by default', () => {
    assert.equal(DEFAULT_COOLING_OFF_MS, 72 * MS_PER_HOUR);
  });

  test('enables a disabled vault', () => {
    assertMoved(enableImmutability(DISABLED, NOW), ENABLED, 'immutability.enabled');
  });

  test('treats enabling an enabled or locking vault as a no-op', () => {
    assertMoved(enableImmutability(ENABLED, NOW), ENABLED, 'immutability.unchanged');
    assertMoved(enableImmutability(LOCKING, NOW), LOCKING, 'immutability.unchanged');
  });

  test('disables an enabled vault, and treats disabling a disabled vault as a no-op', () => {
    assertMoved(disableImmutability(ENABLED, NOW), DISABLED, 'immutability.disabled');
    assertMoved(disableImmutability(DISABLED, NOW), DISABLED, 'immutability.unchanged');
  });

  test('refuses to disable a locking vault until the lock is cancelled', () => {
    assertRefused(disableImmutability(LOCKING, NOW), {
      code: 'VAULT_LOCKED',
      mentions: ['cancel the lock first', toIso(LOCKING.lockEffectiveAt!)],
    });
  });

  test('requests a lock from an enabled vault with the cooling-off given', () => {
    assertMoved(
      requestLock(ENABLED, LOCK_72H, NOW),
      { state: 'locking', lockRequestedAt: NOW, lockEffectiveAt: NOW + 72 * MS_PER_HOUR },
      'immutability.lock_requested',
    );
  });

  test('accepts a cooling-off equal to the server minimum, in seconds as tests use', () => {
    const request = {
      coolingOffMs: 5 * MS_PER_SECOND,
      minCoolingOffMs: 5 * MS_PER_SECOND,
      confirmedIrreversible: false,
    };
    assertMoved(
      requestLock(ENABLED, request, NOW),
      { state: 'locking', lockRequestedAt: NOW, lockEffectiveAt: NOW + 5 * MS_PER_SECOND },
      'immutability.lock_requested',
    );
  });

  test('refuses a cooling-off shorter than the server minimum, naming the minimum', () => {
    const request = { coolingOffMs: MS_PER_HOUR, minCoolingOffMs: 24 * MS_PER_HOUR, confirmedIrreversible: true };
    const refusal = assertRefused(requestLock(ENABLED, request, NOW), {
      code: 'COOLING_OFF_TOO_SHORT',
      mentions: ['1 hour', 'minimum of 1 day'],
    });
    assert.deepEqual(refusal.details, { coolingOffMs: MS_PER_HOUR, minCoolingOffMs: 24 * MS_PER_HOUR });
  });

  test('refuses a zero cooling-off when the server minimum is above zero, even confirmed', () => {
    const request = { coolingOffMs: 0, minCoolingOffMs: MS_PER_SECOND, confirmedIrreversible: true };
    assertRefused(requestLock(ENABLED, request, NOW), { code: 'COOLING_OFF_TOO_SHORT' });
  });

  test('refuses a zero cooling-off without the irreversibility confirmation', () => {
    const request = { coolingOffMs: 0, minCoolingOffMs: 0, confirmedIrreversible: false };
    assertRefused(requestLock(ENABLED, request, NOW), { code: 'CONFIRMATION_REQUIRED', mentions: ['irreversible'] });
  });

  test('locks at once with a confirmed zero cooling-off', () => {
    const request = { coolingOffMs: 0, minCoolingOffMs: 0, confirmedIrreversible: true };
    assertMoved(
      requestLock(ENABLED, request, NOW),
      { state: 'locked', lockRequestedAt: NOW, lockEffectiveAt: NOW },
      'immutability.locked',
    );
  });

  test('requires an approval for a zero cooling-off where approvals are configured', () => {
    const request = { coolingOffMs: 0, minCoolingOffMs: 0, confirmedIrreversible: true, approvalRequired: true };
    assertRefused(requestLock(ENABLED, request, NOW), { code: 'APPROVAL_REQUIRED' });
    const approved = requestLock(ENABLED, { ...request, approved: true }, NOW);
    assert.ok(approved.allowed && approved.next.state === 'locked');
  });

  test('refuses a negative or non-integer cooling-off as an invalid argument', () => {
    for (const coolingOffMs of [-1, Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      const request = { coolingOffMs, minCoolingOffMs: 0, confirmedIrreversible: true };
      assertRefused(requestLock(ENABLED, request, NOW), { code: 'INVALID_ARGUMENT', mentions: ['coolingOffMs'] });
    }
  });

  test('refuses to lock a disabled vault, telling to enable immutability first', () => {
    assertRefused(requestLock(DISABLED, LOCK_72H, NOW), {
      code: 'IMMUTABILITY_NOT_ENABLED',
      mentions: ['enable immutability first'],
    });
  });

  test('refuses a second lock request while one is pending', () => {
    assertRefused(requestLock(LOCKING, LOCK_72H, NOW), {
      code: 'LOCK_ALREADY_PENDING',
      mentions: [toIso(LOCKING.lockEffectiveAt!)],
    });
  });

  test('stays locking until the cooling-off ends, then is locked', () => {
    const clock = new FakeClock(NOW);
    const requested = requestLock(
      ENABLED,
      { ...LOCK_72H, coolingOffMs: 30 * MS_PER_SECOND, minCoolingOffMs: 0 },
      clock.nowMs(),
    );
    assert.ok(requested.allowed, requested.allowed ? '' : requested.reason);
    clock.advanceMs(30 * MS_PER_SECOND - 1);
    assert.equal(effectiveImmutability(requested.next, clock.nowMs()).state, 'locking');
    clock.advanceMs(1);
    assert.deepEqual(effectiveImmutability(requested.next, clock.nowMs()), { ...requested.next, state: 'locked' });
  });

  test('cancels a lock during the cooling-off, back to enabled', () => {
    assertMoved(cancelLock(LOCKING, LOCKING.lockEffectiveAt! - 1), ENABLED, 'immutability.lock_cancelled');
  });

  test('refuses to cancel a lock once its cooling-off has ended, naming when it ended', () => {
    for (const nowMs of [LOCKING.lockEffectiveAt!, LOCKING.lockEffectiveAt! + MS_PER_DAY]) {
      assertRefused(cancelLock(LOCKING, nowMs), {
        code: 'VAULT_LOCKED',
        mentions: ['cooling-off ended', toIso(LOCKING.lockEffectiveAt!), 'never be undone'],
      });
    }
  });

  test('treats cancelling when no lock is pending as a no-op', () => {
    assertMoved(cancelLock(ENABLED, NOW), ENABLED, 'immutability.unchanged');
    assertMoved(cancelLock(DISABLED, NOW), DISABLED, 'immutability.unchanged');
  });

  test('refuses every transition from a locked vault', () => {
    const settled: VaultImmutability = { ...LOCKING };
    const after = LOCKING.lockEffectiveAt! + 1;
    const attempts: readonly (readonly [string, Transition])[] = [
      ['enable', enableImmutability(LOCKED, NOW)],
      ['disable', disableImmutability(LOCKED, NOW)],
      ['lock', requestLock(LOCKED, LOCK_72H, NOW)],
      ['lock at once', requestLock(LOCKED, { coolingOffMs: 0, minCoolingOffMs: 0, confirmedIrreversible: true }, NOW)],
      ['cancel', cancelLock(LOCKED, NOW)],
      ['enable after the cooling-off', enableImmutability(settled, after)],
      ['disable after the cooling-off', disableImmutability(settled, after)],
      ['lock after the cooling-off', requestLock(settled, LOCK_72H, after)],
      ['cancel after the cooling-off', cancelLock(settled, after)],
    ];
    for (const [name, transition] of attempts) {
      assert.equal(transition.allowed, false, `${name} was allowed`);
      assertRefused(transition, { code: 'VAULT_LOCKED', mentions: ['locked', 'never be undone'] });
    }
  });

  test('settles a locking record without a lock time as locked', () => {
    assert.equal(effectiveImmutability({ state: 'locking' }, NOW).state, 'locked');
    assertRefused(cancelLock({ state: 'locking' }, NOW), { code: 'VAULT_LOCKED' });
  });

  test('walks enable, lock, cancel, lock again, and ends locked for good', () => {
    const clock = new FakeClock(NOW);
    let vault: VaultImmutability = DISABLED;
    const step = (transition: Transition): void => {
      assert.ok(transition.allowed, transition.allowed ? '' : transition.reason);
      vault = transition.next;
    };
    step(enableImmutability(vault, clock.nowMs()));
    step(requestLock(vault, LOCK_72H, clock.nowMs()));
    clock.advanceMs(MS_PER_DAY);
    step(cancelLock(vault, clock.nowMs()));
    assert.equal(vault.state, 'enabled');
    step(requestLock(vault, LOCK_72H, clock.nowMs()));
    clock.advanceMs(DEFAULT_COOLING_OFF_MS);
    assert.equal(effectiveImmutability(vault, clock.nowMs()).state, 'locked');
    assertRefused(disableImmutability(vault, clock.nowMs()), { code: 'VAULT_LOCKED' });
  });

  test('maps each state to its storage lock mode', () => {
    assert.deepEqual((['disabled', 'enabled', 'locking', 'locked'] as const).map(storageLockModeFor), [
      'none',
      'governance',
      'governance',
      'compliance',
    ]);
  });
});
