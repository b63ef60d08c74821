import { objectKeys } from '../core/ids.js';
import { isExpired } from '../core/immutability/points-summary.js';
import type { ObjectLock } from '../storage/object-store.js';
import type { AdminContext } from './admin-context.js';
import { applyLocks, pointObjectKeys, requireLock, requiredLock, type LockApplication } from './storage-locks.js';

/**
 * Makes storage lock, for every unexpired point, every object the point needs — manifest, packs,
 * index segments, and the vault header and key envelopes without which nothing decrypts — until
 * the point's retainUntil (rounded up to the lock generation), in the mode of the vault's state.
 * Run on enabling or locking immutability, and by maintenance (which also converts governance to
 * compliance once a lock takes effect).
 */
export async function lockAllPoints(ctx: AdminContext): Promise<LockApplication> {
  const mode = await ctx.lockMode();
  if (mode === 'none') return { extensions: 0, alreadyLocked: 0, missing: [] };
  const settings = await ctx.settings();
  const nowMs = ctx.clock.nowMs();
  const requirements = new Map<string, ObjectLock>();
  const vaultWide: string[] = [objectKeys.header];
  for await (const object of ctx.repo.store.list('keys/')) vaultWide.push(object.key);
  for (const point of await ctx.catalog.listPoints()) {
    if (isExpired(point.retainUntil, nowMs)) continue;
    const lock = requiredLock(mode, point.retainUntil, settings.lockGenerationDays, nowMs);
    const { body } = await ctx.repo.loadPoint(point.id);
    for (const key of [...pointObjectKeys(point.id, body), ...vaultWide]) requireLock(requirements, key, lock);
    if (lock !== undefined && point.lockMode !== lock.mode) {
      await ctx.catalog.updatePointProtection(point.id, {
        retainUntil: point.retainUntil,
        lockMode: lock.mode,
        legalHold: point.legalHold,
      });
    }
  }
  return applyLocks(ctx.repo.store, requirements);
}
