import { isAmberError } from '../core/errors.js';
import type { StorageLockMode } from '../core/immutability/immutability-state.js';
import { lockUntilFor } from '../core/retention/lock-generation.js';
import { objectKeys } from '../core/ids.js';
import type { ObjectLock, ObjectStore } from '../storage/object-store.js';

/**
 * The objects every point needs besides its own: the vault header and key envelopes (without which
 * nothing decrypts) and the settings journal (which says what the vault promises: its immutability
 * state, policies and legal holds — deleting a newer document would make an older one current).
 */
export async function vaultWideKeys(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [objectKeys.header];
  for (const prefix of ['keys/', 'settings/']) {
    for await (const object of store.list(prefix)) keys.push(object.key);
  }
  return keys;
}

/**
 * The storage lock an object needs to carry for a point retained until `retainUntil`, rounded up to
 * the vault's lock generation (DESIGN §3.3); undefined when the vault locks nothing or the end is past.
 */
export function requiredLock(
  mode: StorageLockMode,
  retainUntil: number,
  generationDays: number,
  nowMs: number,
): ObjectLock | undefined {
  if (mode === 'none') return undefined;
  const until = generationDays > 0 ? lockUntilFor(retainUntil, { generationDays }) : retainUntil;
  return until > nowMs ? { mode, retainUntil: until } : undefined;
}

/** Adds a requirement, keeping the stronger mode and the later end. */
export function requireLock(requirements: Map<string, ObjectLock>, key: string, lock: ObjectLock | undefined): void {
  if (lock === undefined) return;
  const current = requirements.get(key);
  requirements.set(key, current === undefined ? lock : strongest(current, lock));
}

function strongest(a: ObjectLock, b: ObjectLock): ObjectLock {
  return {
    mode: a.mode === 'compliance' || b.mode === 'compliance' ? 'compliance' : 'governance',
    retainUntil: Math.max(a.retainUntil, b.retainUntil),
  };
}

export interface LockApplication {
  /** setLock requests sent to storage. */
  readonly extensions: number;
  /** Objects already locked enough: no request. */
  readonly alreadyLocked: number;
  readonly missing: string[];
}

/**
 * Makes storage carry at least the required lock on every object: a lock is only ever extended (or
 * governance raised to compliance), never shortened; an object already locked long enough costs a
 * stat and no request — which is what lock generations buy.
 */
export async function applyLocks(
  store: ObjectStore,
  requirements: ReadonlyMap<string, ObjectLock>,
): Promise<LockApplication> {
  let extensions = 0;
  let alreadyLocked = 0;
  const missing: string[] = [];
  for (const [key, required] of requirements) {
    let current: ObjectLock | undefined;
    try {
      current = (await store.stat(key)).lock;
    } catch (error) {
      if (isAmberError(error, 'NOT_FOUND')) {
        missing.push(key);
        continue;
      }
      throw error;
    }
    const target = current === undefined ? required : strongest(current, required);
    if (current !== undefined && current.mode === target.mode && current.retainUntil >= target.retainUntil) {
      alreadyLocked++;
      continue;
    }
    await store.setLock(key, target);
    extensions++;
  }
  return { extensions, alreadyLocked, missing };
}
