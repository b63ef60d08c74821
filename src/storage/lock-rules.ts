import type { DeleteOptions, ObjectLock } from './object-store.js';
import { invalidArgument, legalHoldActive, objectLocked } from './storage-errors.js';

/**
 * The object-lock rules of the port, shared by the drivers that enforce locks themselves (memory,
 * local). Pure: time is passed in, the store's own clock decides. They throw the port's typed errors.
 */

/** What a store remembers about one object's protection. */
export interface LockState {
  readonly lock?: ObjectLock;
  readonly legalHold: boolean;
}

export const UNLOCKED: LockState = { legalHold: false };

/** True while the lock has not lapsed: it holds until retainUntil, exclusive. */
export function isLockActive(lock: ObjectLock | undefined, nowMs: number): lock is ObjectLock {
  return lock !== undefined && nowMs < lock.retainUntil;
}

/** Throws INVALID_ARGUMENT unless the lock has a known mode and a retainUntil in the future. */
export function assertValidLock(key: string, lock: ObjectLock, nowMs: number): void {
  const mode: string = lock.mode; // callers may be untyped JavaScript
  if (mode !== 'governance' && mode !== 'compliance') {
    throw invalidArgument(`The lock mode ${JSON.stringify(mode)} for ${key} is neither governance nor compliance.`, {
      key,
    });
  }
  if (!Number.isSafeInteger(lock.retainUntil) || lock.retainUntil <= nowMs) {
    throw invalidArgument(
      `The lock for ${key} must retain until a future instant (epoch milliseconds); got ${String(lock.retainUntil)}.`,
      { key, retainUntil: lock.retainUntil, nowMs },
    );
  }
}

/** Throws LEGAL_HOLD_ACTIVE or OBJECT_LOCKED when the object may not be deleted now. */
export function assertDeletable(key: string, state: LockState, nowMs: number, options: DeleteOptions = {}): void {
  if (state.legalHold) throw legalHoldActive(key);
  const lock = state.lock;
  if (!isLockActive(lock, nowMs)) return;
  if (lock.mode === 'governance' && options.bypassGovernance === true) return;
  throw objectLocked(key, lock);
}

/**
 * The lock to store after `setLock(key, requested)`, following the extend-only rules: a lapsed lock
 * counts as none; an active lock may be extended or upgraded to compliance; shortening, removing or
 * downgrading fails with OBJECT_LOCKED, except that a governance lock yields to bypassGovernance.
 */
export function nextLock(
  key: string,
  current: ObjectLock | undefined,
  requested: ObjectLock | undefined,
  nowMs: number,
  options: DeleteOptions = {},
): ObjectLock | undefined {
  if (requested !== undefined) assertValidLock(key, requested, nowMs);
  if (!isLockActive(current, nowMs)) return requested;
  const bypass = current.mode === 'governance' && options.bypassGovernance === true;
  if (requested === undefined) {
    if (bypass) return undefined;
    throw objectLocked(key, current, 'cannot have its lock removed');
  }
  if (current.mode === 'compliance' && requested.mode === 'governance') {
    throw objectLocked(key, current, 'cannot be downgraded to a governance lock');
  }
  if (requested.retainUntil < current.retainUntil && !bypass) {
    throw objectLocked(key, current, 'cannot have its lock shortened');
  }
  return { mode: requested.mode, retainUntil: requested.retainUntil };
}

/**
 * The strongest protection of both states (legal hold if either holds, the later end, compliance if
 * either is): used when a leftover state must be combined with a new one without weakening either.
 */
export function strongestState(a: LockState, b: LockState): LockState {
  const legalHold = a.legalHold || b.legalHold;
  if (a.lock === undefined || b.lock === undefined) {
    const lock = a.lock ?? b.lock;
    return lock === undefined ? { legalHold } : { lock, legalHold };
  }
  const mode = a.lock.mode === 'compliance' || b.lock.mode === 'compliance' ? 'compliance' : 'governance';
  return { lock: { mode, retainUntil: Math.max(a.lock.retainUntil, b.lock.retainUntil) }, legalHold };
}

/** True when the state protects the object at all at nowMs (an active lock or a legal hold). */
export function isProtected(state: LockState, nowMs: number): boolean {
  return state.legalHold || isLockActive(state.lock, nowMs);
}
