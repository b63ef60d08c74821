import { isExpired } from '../core/immutability/points-summary.js';
import type { ObjectLock } from '../storage/object-store.js';
import type { AdminContext } from './admin-context.js';
import { IndexSegmentMap } from './index-segment-map.js';
import { applyLocks, requireLock, requiredLock, vaultWideKeys, type LockApplication } from './storage-locks.js';

/**
 * Makes storage lock, for every unexpired point, every object the point needs — manifest, packs,
 * the index segments describing them now (see IndexSegmentMap), and the vault-wide objects (header,
 * key envelopes, settings journal; see vaultWideKeys) — until the point's retainUntil (rounded up to the lock generation), in the mode of the vault's state.
 * Run on enabling or locking immutability, and by maintenance (which also converts governance to
 * compliance once a lock takes effect).
 */
export async function lockAllPoints(ctx: AdminContext): Promise<LockApplication> {
  const mode = await ctx.lockMode();
  if (mode === 'none') return { extensions: 0, alreadyLocked: 0, missing: [] };
  const settings = await ctx.settings();
  const nowMs = ctx.clock.nowMs();
  const requirements = new Map<string, ObjectLock>();
  const vaultWide = await vaultWideKeys(ctx.repo.store);
  const map = await IndexSegmentMap.load(ctx.repo);
  for (const point of await ctx.catalog.listPoints()) {
    if (isExpired(point.retainUntil, nowMs)) continue;
    const lock = requiredLock(mode, point.retainUntil, settings.lockGenerationDays, nowMs);
    const { body } = await ctx.repo.loadPoint(point.id);
    for (const key of [...map.pointObjectKeys(point.id, body), ...vaultWide]) requireLock(requirements, key, lock);
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
