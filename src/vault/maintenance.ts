import { objectKeys } from '../core/ids.js';
import { isExpired } from '../core/immutability/points-summary.js';
import type { AdminContext } from './admin-context.js';
import { anchorAuditTrail } from './audit-anchor.js';
import type { ExpiryFreeze } from './clock-guard.js';
import { blocksDeletion, collectGarbage, type GarbageReport } from './garbage-collection.js';
import { reapplyLegalHolds } from './legal-holds.js';
import { lockAllPoints } from './lock-points.js';
import { deletePointObjects } from './point-deletion.js';

export interface MaintenanceReport extends GarbageReport {
  readonly dryRun: boolean;
  readonly lockTookEffect: boolean;
  readonly expiredPoints: string[];
  /** Expired points whose storage lock (rounded up to a lock generation) has not lapsed yet. */
  readonly deferredPoints: { id: string; lockedUntil: number }[];
  readonly lockExtensions: number;
  /** Set when expiry was frozen (a clock jump, see clock-guard.ts): no point was expired. */
  readonly expiryFrozen?: ExpiryFreeze;
}

/**
 * Maintenance: settles a lock whose cooling-off ended, expires points past their retention (never
 * a held one), collects garbage — the packs no remaining point needs and whose lock has lapsed (see
 * collectGarbage) — and then makes storage lock and hold everything the remaining points need,
 * including index segments the collection just wrote. Every deletion is in the audit trail. With
 * `expiryFrozen` it expires nothing (the rest still runs) and the report says why.
 */
export async function runMaintenance(
  ctx: AdminContext,
  options: { dryRun: boolean; expiryFrozen?: ExpiryFreeze },
): Promise<MaintenanceReport> {
  const nowMs = ctx.clock.nowMs();
  const lockTookEffect = options.dryRun ? await ctx.lockIsDue() : await ctx.settleLock();
  const settings = await ctx.settings();

  const expiredPoints: string[] = [];
  const deferredPoints: { id: string; lockedUntil: number }[] = [];
  const bypassGovernance = await ctx.governanceLocksAreStale();
  const candidates = options.expiryFrozen === undefined ? await ctx.catalog.listPoints() : [];
  for (const point of candidates) {
    if (!isExpired(point.retainUntil, nowMs) || ctx.isHeld(settings, point)) continue;
    const info = await ctx.repo.store.stat(objectKeys.point(point.id));
    if (info.legalHold) continue; // held in storage, though not (or no longer) in the settings: keep it
    if (info.lock !== undefined && blocksDeletion(info, nowMs, bypassGovernance)) {
      deferredPoints.push({ id: point.id, lockedUntil: info.lock.retainUntil });
      continue;
    }
    if (!options.dryRun) {
      await deletePointObjects(ctx, point.id, { bypassGovernance });
      await ctx.audit.ok('point.expire', point.id, `Recovery point ${point.id} expired and was removed.`);
    }
    expiredPoints.push(point.id);
  }

  const gc = await collectGarbage(ctx, {
    dryRun: options.dryRun,
    alsoGone: new Set(options.dryRun ? expiredPoints : []),
    bypassGovernance,
  });
  let lockExtensions = 0;
  if (!options.dryRun) {
    lockExtensions = (await lockAllPoints(ctx)).extensions;
    await reapplyLegalHolds(ctx);
    await anchorAuditTrail(ctx); // last: the anchor covers every event maintenance recorded
  }
  const frozen = options.expiryFrozen === undefined ? {} : { expiryFrozen: options.expiryFrozen };
  return { dryRun: options.dryRun, lockTookEffect, expiredPoints, deferredPoints, lockExtensions, ...gc, ...frozen };
}
