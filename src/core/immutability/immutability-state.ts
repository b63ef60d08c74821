import { MS_PER_HOUR, toIso } from '../clock.js';
import { refuse, type Refusal } from './decision.js';
import { durationText } from './duration-text.js';

/**
 * The vault immutability state machine (DESIGN §2.1):
 *
 *   disabled ──enable──▶ enabled ──requestLock──▶ locking ──(cooling-off ends)──▶ locked
 *       ▲                  │  ▲                     │
 *       └────disable───────┘  └──────cancelLock─────┘
 *
 * `locked` is terminal. Every function here is pure: the current instant comes in as `nowMs`.
 */
export type ImmutabilityState = 'disabled' | 'enabled' | 'locking' | 'locked';

/** The stored immutability of a vault. A `locking` vault is effectively `locked` once nowMs ≥ lockEffectiveAt. */
export interface VaultImmutability {
  readonly state: ImmutabilityState;
  /** When the lock was requested (epoch ms); set in `locking` and `locked`. */
  readonly lockRequestedAt?: number;
  /** When the lock becomes (or became) final (epoch ms); set in `locking` and `locked`. */
  readonly lockEffectiveAt?: number;
}

/** The storage lock mode the points of a vault carry in each state. */
export type StorageLockMode = 'none' | 'governance' | 'compliance';

export type ImmutabilityEvent =
  | 'immutability.enabled'
  | 'immutability.disabled'
  | 'immutability.lock_requested'
  | 'immutability.locked'
  | 'immutability.lock_cancelled'
  | 'immutability.unchanged';

/**
 * The outcome of a transition: the next stored state and the audit event, or a refusal. The success
 * variant also carries `allowed: true`, so a Transition narrows on `allowed` exactly like a Decision.
 */
export type Transition =
  | { readonly ok: true; readonly allowed: true; readonly next: VaultImmutability; readonly event: ImmutabilityEvent }
  | Refusal;

export interface LockRequest {
  /** How long the lock stays cancellable; 0 locks at once (needs `confirmedIrreversible`). */
  readonly coolingOffMs: number;
  /** The server's configured minimum cooling-off. */
  readonly minCoolingOffMs: number;
  /** The requester confirmed that the lock is irreversible (required when coolingOffMs is 0). */
  readonly confirmedIrreversible: boolean;
  /** Approvals are configured for locking without cooling-off (DESIGN §2.1). Default: false. */
  readonly approvalRequired?: boolean;
  /** A second person approved this lock request. Default: false. */
  readonly approved?: boolean;
}

export const DEFAULT_COOLING_OFF_MS = 72 * MS_PER_HOUR;

/**
 * The state as of `nowMs`: a `locking` vault whose cooling-off has ended is `locked`. A `locking`
 * state without a valid lockEffectiveAt (a damaged record) settles as `locked`: in doubt, protect.
 * The vault service should persist the settled `locked` state once it sees it, so that a wall clock
 * moved backwards cannot reopen the cooling-off.
 */
export function effectiveImmutability(v: VaultImmutability, nowMs: number): VaultImmutability {
  if (v.state !== 'locking') return v;
  const effectiveAt = v.lockEffectiveAt;
  if (effectiveAt !== undefined && Number.isFinite(effectiveAt) && nowMs < effectiveAt) return v;
  return { ...v, state: 'locked' };
}

/** Immutability is on in `enabled`, `locking` and `locked`. */
export function isImmutabilityOn(state: ImmutabilityState): boolean {
  return state !== 'disabled';
}

/** `enabled`/`locking` → governance, `locked` → compliance, `disabled` → none. Pass the effective state. */
export function storageLockModeFor(state: ImmutabilityState): StorageLockMode {
  switch (state) {
    case 'disabled':
      return 'none';
    case 'enabled':
    case 'locking':
      return 'governance';
    case 'locked':
      return 'compliance';
  }
}

/** disabled → enabled; a no-op when immutability is already on; refused once locked. */
export function enableImmutability(v: VaultImmutability, nowMs: number): Transition {
  const current = effectiveImmutability(v, nowMs);
  switch (current.state) {
    case 'disabled':
      return moved({ state: 'enabled' }, 'immutability.enabled');
    case 'enabled':
    case 'locking':
      return unchanged(current);
    case 'locked':
      return lockedRefusal('enable immutability', current);
  }
}

/** enabled → disabled; a no-op when disabled; refused `VAULT_LOCKED` while locking (cancel first) or locked. */
export function disableImmutability(v: VaultImmutability, nowMs: number): Transition {
  const current = effectiveImmutability(v, nowMs);
  switch (current.state) {
    case 'disabled':
      return unchanged(current);
    case 'enabled':
      return moved({ state: 'disabled' }, 'immutability.disabled');
    case 'locking':
      return refuse(
        'VAULT_LOCKED',
        `Cannot disable immutability: a lock of the vault is pending and becomes final at ${isoOf(current.lockEffectiveAt)}; cancel the lock first.`,
        { details: lockDetails(current) },
      );
    case 'locked':
      return lockedRefusal('disable immutability', current);
  }
}

/** enabled → locking (or straight to locked with zero cooling-off, confirmed and approved where required). */
export function requestLock(v: VaultImmutability, request: LockRequest, nowMs: number): Transition {
  const current = effectiveImmutability(v, nowMs);
  switch (current.state) {
    case 'disabled':
      return refuse(
        'IMMUTABILITY_NOT_ENABLED',
        'Cannot lock the vault: its immutability is disabled; enable immutability first, then lock it.',
        { details: { state: current.state } },
      );
    case 'locking':
      return refuse(
        'LOCK_ALREADY_PENDING',
        `Cannot request a lock: a lock of the vault is already pending and becomes final at ${isoOf(current.lockEffectiveAt)}; cancel it first to change the cooling-off.`,
        { details: lockDetails(current) },
      );
    case 'locked':
      return lockedRefusal('lock the vault again', current);
    case 'enabled':
      return lockFromEnabled(request, nowMs);
  }
}

/** locking → enabled before the cooling-off ends; a no-op when no lock is pending; refused once locked. */
export function cancelLock(v: VaultImmutability, nowMs: number): Transition {
  const current = effectiveImmutability(v, nowMs);
  switch (current.state) {
    case 'disabled':
    case 'enabled':
      return unchanged(current);
    case 'locking':
      return moved({ state: 'enabled' }, 'immutability.lock_cancelled');
    case 'locked':
      if (v.state === 'locking') {
        return refuse(
          'VAULT_LOCKED',
          `Cannot cancel the lock: its cooling-off ended at ${isoOf(current.lockEffectiveAt)}, so the vault is locked for good and the lock can never be undone.`,
          { details: lockDetails(current) },
        );
      }
      return lockedRefusal('cancel the lock', current);
  }
}

function lockFromEnabled(request: LockRequest, nowMs: number): Transition {
  const invalid = invalidCoolingOff(request);
  if (invalid !== undefined) return invalid;
  const { coolingOffMs, minCoolingOffMs } = request;
  if (coolingOffMs < minCoolingOffMs) {
    return refuse(
      'COOLING_OFF_TOO_SHORT',
      `A cooling-off of ${durationText(coolingOffMs)} is shorter than this server's minimum of ${durationText(minCoolingOffMs)}; request at least ${durationText(minCoolingOffMs)}.`,
      { details: { coolingOffMs, minCoolingOffMs } },
    );
  }
  if (coolingOffMs > 0) {
    const next = { state: 'locking', lockRequestedAt: nowMs, lockEffectiveAt: nowMs + coolingOffMs } as const;
    return moved(next, 'immutability.lock_requested');
  }
  if (!request.confirmedIrreversible) {
    return refuse(
      'CONFIRMATION_REQUIRED',
      'Locking with no cooling-off makes the lock final at once and it can never be undone; confirm that it is irreversible to proceed.',
      { details: { coolingOffMs } },
    );
  }
  if (request.approvalRequired === true && request.approved !== true) {
    return refuse(
      'APPROVAL_REQUIRED',
      'Locking the vault with no cooling-off needs the approval of a second person; retry once it is granted.',
      { details: { operation: 'lock-immutability', coolingOffMs } },
    );
  }
  return moved({ state: 'locked', lockRequestedAt: nowMs, lockEffectiveAt: nowMs }, 'immutability.locked');
}

function invalidCoolingOff(request: LockRequest): Refusal | undefined {
  for (const [name, value] of [
    ['coolingOffMs', request.coolingOffMs],
    ['minCoolingOffMs', request.minCoolingOffMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      return refuse(
        'INVALID_ARGUMENT',
        `The ${name} of a lock request must be a whole number of milliseconds ≥ 0, not ${value}.`,
        {
          details: { [name]: value },
        },
      );
    }
  }
  return undefined;
}

function moved(next: VaultImmutability, event: ImmutabilityEvent): Transition {
  return { ok: true, allowed: true, next, event };
}

function unchanged(current: VaultImmutability): Transition {
  return { ok: true, allowed: true, next: current, event: 'immutability.unchanged' };
}

function lockedRefusal(action: string, current: VaultImmutability): Refusal {
  const since = current.lockEffectiveAt === undefined ? '' : ` since ${toIso(current.lockEffectiveAt)}`;
  return refuse(
    'VAULT_LOCKED',
    `Cannot ${action}: the vault's immutability has been locked (compliance mode)${since}, and a lock can never be undone.`,
    { details: lockDetails(current) },
  );
}

function lockDetails(current: VaultImmutability): Record<string, unknown> {
  return {
    state: current.state,
    ...(current.lockEffectiveAt === undefined ? {} : { lockEffectiveAt: toIso(current.lockEffectiveAt) }),
  };
}

function isoOf(epochMs: number | undefined): string {
  return epochMs === undefined ? 'an unknown time' : toIso(epochMs);
}
