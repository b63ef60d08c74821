import { isAmberError } from '../core/errors.js';
import { asIndexId, objectKeys, type IndexId, type PackId } from '../core/ids.js';
import { effectiveImmutability } from '../core/immutability/immutability-state.js';
import { isExpired } from '../core/immutability/points-summary.js';
import type { IndexedPack, IndexSegment } from '../format/index-segment.js';
import { decodeIndexSegment } from '../format/index-segment.js';
import type { ObjectLock } from '../storage/object-store.js';
import type { AdminContext } from './admin-context.js';
import { lockAllPoints } from './lock-points.js';
import { deletePointObjects } from './point-deletion.js';

export interface MaintenanceReport {
  readonly dryRun: boolean;
  readonly lockTookEffect: boolean;
  readonly expiredPoints: string[];
  /** Expired points whose storage lock (rounded up to a lock generation) has not lapsed yet. */
  readonly deferredPoints: { id: string; lockedUntil: number }[];
  readonly lockExtensions: number;
  readonly deletedPacks: string[];
  /** Unneeded packs whose lock has not lapsed: removed by a later run. */
  readonly deferredPacks: number;
  readonly rewrittenIndexSegments: number;
  readonly deletedIndexSegments: number;
  readonly freedBytes: number;
}

/**
 * Maintenance: settles a lock whose cooling-off ended, expires points past their retention (never
 * a held one), extends storage locks, and collects garbage — the packs no remaining point needs and
 * whose lock has lapsed. GC first writes a new index segment without the doomed packs (it supersedes
 * the old ones), then deletes the packs, then the superseded segments; a crash at any step leaves a
 * vault whose index describes only packs that exist, and a rerun finishes the job. Every deletion is
 * in the audit trail.
 */
export async function runMaintenance(ctx: AdminContext, options: { dryRun: boolean }): Promise<MaintenanceReport> {
  const nowMs = ctx.clock.nowMs();
  let settings = await ctx.settings();
  const effective = effectiveImmutability(settings.immutability, nowMs);
  const lockTookEffect = effective.state !== settings.immutability.state;
  if (lockTookEffect && !options.dryRun) {
    settings = await ctx.updateSettings({ immutability: effective });
    await ctx.audit.ok(
      'immutability.locked',
      ctx.repo.vaultId,
      'The cooling-off ended: the vault is now locked (compliance).',
    );
  }

  const expiredPoints: string[] = [];
  const deferredPoints: { id: string; lockedUntil: number }[] = [];
  for (const point of await ctx.catalog.listPoints()) {
    if (!isExpired(point.retainUntil, nowMs) || ctx.isHeld(settings, point)) continue;
    const lock = (await ctx.repo.store.stat(objectKeys.point(point.id))).lock;
    if (lock !== undefined && lock.retainUntil > nowMs) {
      deferredPoints.push({ id: point.id, lockedUntil: lock.retainUntil });
      continue;
    }
    if (!options.dryRun) {
      await deletePointObjects(ctx, point.id, { bypassGovernance: false });
      await ctx.audit.ok('point.expire', point.id, `Recovery point ${point.id} expired and was removed.`);
    }
    expiredPoints.push(point.id);
  }

  const lockExtensions = options.dryRun ? 0 : (await lockAllPoints(ctx)).extensions;
  const gc = await collectGarbage(ctx, options.dryRun, new Set(options.dryRun ? expiredPoints : []));
  return { dryRun: options.dryRun, lockTookEffect, expiredPoints, deferredPoints, lockExtensions, ...gc };
}

async function collectGarbage(
  ctx: AdminContext,
  dryRun: boolean,
  alsoGone: ReadonlySet<string>,
): Promise<
  Pick<
    MaintenanceReport,
    'deletedPacks' | 'deferredPacks' | 'rewrittenIndexSegments' | 'deletedIndexSegments' | 'freedBytes'
  >
> {
  const { repo } = ctx;
  const needed = new Set<string>();
  for (const point of await ctx.catalog.listPoints()) {
    if (alsoGone.has(point.id)) continue;
    for (const packId of (await repo.loadPoint(point.id)).body.packIds) needed.add(packId);
  }
  // Every current (not superseded) segment, and which of its packs can go now.
  const segments = new Map<IndexId, IndexSegment>();
  for (const id of await repo.listIds('index/')) {
    segments.set(
      asIndexId(id),
      decodeIndexSegment(repo.keys, asIndexId(id), await repo.store.get(objectKeys.index(asIndexId(id)))),
    );
  }
  const superseded = new Set([...segments.values()].flatMap((s) => s.supersedes));
  const nowMs = ctx.clock.nowMs();
  const doomed = new Map<PackId, number>();
  let deferredPacks = 0;
  for (const [indexId, segment] of segments) {
    if (superseded.has(indexId)) continue;
    for (const pack of segment.packs) {
      if (needed.has(pack.packId) || doomed.has(pack.packId)) continue;
      const info = await statOrUndefined(ctx, objectKeys.pack(pack.packId));
      if (info === undefined) continue;
      if (info.legalHold || (info.lock !== undefined && info.lock.retainUntil > nowMs)) deferredPacks++;
      else doomed.set(pack.packId, info.size);
    }
  }
  const touched = [...segments].filter(([id, s]) => !superseded.has(id) && s.packs.some((p) => doomed.has(p.packId)));
  const report = {
    deletedPacks: [...doomed.keys()] as string[],
    deferredPacks,
    rewrittenIndexSegments: touched.length,
    deletedIndexSegments: 0,
    freedBytes: [...doomed.values()].reduce((a, b) => a + b, 0),
  };
  if (dryRun || doomed.size === 0) return report;

  // 1. One new segment for the surviving packs of every touched segment, superseding them.
  const survivors: IndexedPack[] = touched.flatMap(([, s]) => s.packs.filter((p) => !doomed.has(p.packId)));
  const oldIds = touched.map(([id]) => id);
  const lock = await strongestLock(
    ctx,
    oldIds.map((id) => objectKeys.index(id)),
  );
  await repo.putIndexSegment(
    { createdAt: nowMs, packs: survivors, supersedes: oldIds },
    lock === undefined ? undefined : { lock },
  );
  await ctx.audit.ok('gc.index_rewrite', oldIds.join(','), `Index rewritten without ${doomed.size} unneeded packs.`, {
    superseded: oldIds,
  });
  // 2. The packs, 3. the superseded segments (each only once its own lock has lapsed).
  for (const packId of doomed.keys()) {
    await deleteTolerant(ctx, objectKeys.pack(packId));
    await ctx.audit.ok('gc.delete', objectKeys.pack(packId), `Pack ${packId} is needed by no point and was deleted.`);
  }
  for (const id of oldIds) {
    const info = await statOrUndefined(ctx, objectKeys.index(id));
    if (info === undefined || info.legalHold || (info.lock !== undefined && info.lock.retainUntil > nowMs)) continue;
    await deleteTolerant(ctx, objectKeys.index(id));
    await ctx.audit.ok('gc.delete', objectKeys.index(id), `Superseded index segment ${id} was deleted.`);
    report.deletedIndexSegments++;
  }
  return report;
}

async function statOrUndefined(ctx: AdminContext, key: string) {
  try {
    return await ctx.repo.store.stat(key);
  } catch (error) {
    if (isAmberError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

async function deleteTolerant(ctx: AdminContext, key: string): Promise<void> {
  try {
    await ctx.repo.store.delete(key);
  } catch (error) {
    if (!isAmberError(error, 'NOT_FOUND')) throw error;
  }
}

async function strongestLock(ctx: AdminContext, keys: readonly string[]): Promise<ObjectLock | undefined> {
  let best: ObjectLock | undefined;
  for (const key of keys) {
    const lock = (await statOrUndefined(ctx, key))?.lock;
    if (lock === undefined || lock.retainUntil <= ctx.clock.nowMs()) continue;
    best =
      best === undefined
        ? lock
        : {
            mode: best.mode === 'compliance' ? 'compliance' : lock.mode,
            retainUntil: Math.max(best.retainUntil, lock.retainUntil),
          };
  }
  return best;
}
