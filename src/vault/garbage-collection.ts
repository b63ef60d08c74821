import { isAmberError } from '../core/errors.js';
import { objectKeys, type IndexId, type PackId } from '../core/ids.js';
import type { IndexedPack } from '../format/index-segment.js';
import type { ObjectInfo, ObjectLock } from '../storage/object-store.js';
import type { AdminContext } from './admin-context.js';
import { IndexSegmentMap } from './index-segment-map.js';

export interface GarbageReport {
  readonly deletedPacks: string[];
  /** Unneeded packs whose lock has not lapsed: removed by a later run. */
  readonly deferredPacks: number;
  readonly rewrittenIndexSegments: number;
  readonly deletedIndexSegments: number;
  readonly freedBytes: number;
}

export interface GarbageOptions {
  readonly dryRun: boolean;
  /** Points about to go (a dry run's expired points): their packs count as unneeded. */
  readonly alsoGone: ReadonlySet<string>;
  /** Governance locks are stale (a disabled vault): they do not keep anything. */
  readonly bypassGovernance: boolean;
}

/** True while the object's legal hold or unlapsed lock keeps it (a stale governance lock yields to bypass). */
export function blocksDeletion(info: ObjectInfo, nowMs: number, bypassGovernance: boolean): boolean {
  if (info.legalHold) return true;
  if (info.lock === undefined || info.lock.retainUntil <= nowMs) return false;
  return !(bypassGovernance && info.lock.mode === 'governance');
}

/**
 * Deletes the packs no point needs (by the manifests in storage, not the catalog's word) and whose
 * lock has lapsed. It first writes one new index segment without the doomed packs, superseding the
 * segments it replaces and every older segment those still supersede; then deletes the packs; then
 * every superseded segment that nothing keeps, oldest first, so that deleting one never makes an older
 * one current again. A crash at any step leaves an index that describes only packs that exist.
 */
export async function collectGarbage(ctx: AdminContext, options: GarbageOptions): Promise<GarbageReport> {
  const { repo } = ctx;
  const nowMs = ctx.clock.nowMs();
  const blocks = (info: ObjectInfo): boolean => blocksDeletion(info, nowMs, options.bypassGovernance);
  const needed = new Set<string>();
  for (const pointId of await repo.listPointIds()) {
    if (options.alsoGone.has(pointId)) continue;
    for (const packId of (await repo.loadPoint(pointId)).body.packIds) needed.add(packId);
  }
  const map = await IndexSegmentMap.load(repo);
  const doomed = new Map<PackId, number>();
  let deferredPacks = 0;
  for (const [indexId, segment] of map.segments) {
    if (map.superseded.has(indexId)) continue;
    for (const pack of segment.packs) {
      if (needed.has(pack.packId) || doomed.has(pack.packId)) continue;
      const info = await statOrUndefined(ctx, objectKeys.pack(pack.packId));
      if (info === undefined) continue;
      if (blocks(info)) deferredPacks++;
      else doomed.set(pack.packId, info.size);
    }
  }
  // Packs in no current segment: dropped from the index by a GC that failed before deleting them, or
  // written by a backup that never committed. Maintenance excludes backups, so no point can come to
  // need them; they go too (no index to rewrite for them).
  const indexed = new Set<string>();
  for (const [indexId, segment] of map.segments) {
    if (!map.superseded.has(indexId)) for (const pack of segment.packs) indexed.add(pack.packId);
  }
  const orphans = new Map<PackId, number>();
  for await (const object of repo.store.list('packs/')) {
    const packId = object.key.slice(object.key.lastIndexOf('/') + 1) as PackId;
    if (indexed.has(packId) || needed.has(packId)) continue;
    const info = await statOrUndefined(ctx, object.key);
    if (info === undefined) continue;
    if (blocks(info)) deferredPacks++;
    else orphans.set(packId, info.size);
  }
  const touched = [...map.segments]
    .filter(([id, s]) => !map.superseded.has(id) && s.packs.some((p) => doomed.has(p.packId)))
    .map(([id]) => id);
  const report = {
    deletedPacks: [...doomed.keys(), ...orphans.keys()] as string[],
    deferredPacks,
    rewrittenIndexSegments: touched.length,
    deletedIndexSegments: 0,
    freedBytes: [...doomed.values(), ...orphans.values()].reduce((a, b) => a + b, 0),
  };
  if (options.dryRun) return report;
  const superseded = new Set(map.superseded);
  if (doomed.size + orphans.size > 0) {
    // Write-ahead journal: the plan is in the audit trail before anything is deleted, so a crash
    // mid-run leaves a record of what was about to go (and the next run finishes it).
    await ctx.audit.ok(
      'gc.plan',
      ctx.repo.vaultId,
      `Garbage collection will delete ${report.deletedPacks.length} unneeded packs.`,
      {
        packs: report.deletedPacks,
        supersedes: touched,
      },
    );
  }
  if (doomed.size > 0) {
    await rewriteIndex(ctx, map, touched, doomed);
    for (const id of touched) superseded.add(id);
  }
  if (doomed.size + orphans.size > 0) {
    for (const packId of [...doomed.keys(), ...orphans.keys()]) {
      await deleteTolerant(ctx, objectKeys.pack(packId), options.bypassGovernance);
      await ctx.audit.ok('gc.delete', objectKeys.pack(packId), `Pack ${packId} is needed by no point and was deleted.`);
    }
  }
  report.deletedIndexSegments = await deleteSupersededSegments(ctx, await IndexSegmentMap.load(repo), {
    blocks,
    bypassGovernance: options.bypassGovernance,
  });
  return report;
}

/** 1. One new segment with the surviving packs of every touched segment, superseding them (and what they supersede). */
async function rewriteIndex(
  ctx: AdminContext,
  map: IndexSegmentMap,
  touched: readonly IndexId[],
  doomed: ReadonlyMap<PackId, number>,
): Promise<void> {
  const survivors: IndexedPack[] = touched.flatMap(
    (id) => map.segments.get(id)?.packs.filter((p) => !doomed.has(p.packId)) ?? [],
  );
  const supersedes = map.supersessionOf(touched);
  const lock = await strongestLock(
    ctx,
    supersedes.map((id) => objectKeys.index(id)),
  );
  await ctx.repo.putIndexSegment(
    { createdAt: ctx.clock.nowMs(), packs: survivors, supersedes },
    lock === undefined ? undefined : { lock },
  );
  await ctx.audit.ok('gc.index_rewrite', touched.join(','), `Index rewritten without ${doomed.size} unneeded packs.`, {
    superseded: supersedes,
  });
}

/**
 * Deletes superseded segments nothing keeps any more. A segment goes only when every existing older
 * segment it supersedes is also superseded by another remaining segment, so that no deletion makes
 * an older segment (listing packs deleted since) current again.
 */
async function deleteSupersededSegments(
  ctx: AdminContext,
  map: IndexSegmentMap,
  options: { blocks: (info: ObjectInfo) => boolean; bypassGovernance: boolean },
): Promise<number> {
  const remaining = new Set(map.segments.keys());
  const candidates: IndexId[] = [];
  for (const id of map.superseded) {
    if (!remaining.has(id)) continue;
    const info = await statOrUndefined(ctx, objectKeys.index(id));
    if (info !== undefined && !options.blocks(info)) candidates.push(id);
  }
  const supersededByOther = (older: IndexId, except: IndexId): boolean =>
    [...remaining].some((id) => id !== except && (map.segments.get(id)?.supersedes.includes(older) ?? false));
  let deleted = 0;
  for (let progress = true; progress;) {
    progress = false;
    for (const id of candidates) {
      if (!remaining.has(id)) continue;
      const olders = map.segments.get(id)?.supersedes.filter((o) => remaining.has(o)) ?? [];
      if (!olders.every((older) => supersededByOther(older, id))) continue;
      await deleteTolerant(ctx, objectKeys.index(id), options.bypassGovernance);
      remaining.delete(id);
      await ctx.audit.ok('gc.delete', objectKeys.index(id), `Superseded index segment ${id} was deleted.`);
      deleted++;
      progress = true;
    }
  }
  return deleted;
}

async function statOrUndefined(ctx: AdminContext, key: string): Promise<ObjectInfo | undefined> {
  try {
    return await ctx.repo.store.stat(key);
  } catch (error) {
    if (isAmberError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

async function deleteTolerant(ctx: AdminContext, key: string, bypassGovernance: boolean): Promise<void> {
  try {
    await ctx.repo.store.delete(key, { bypassGovernance });
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
            mode: best.mode === 'compliance' || lock.mode === 'compliance' ? 'compliance' : 'governance',
            retainUntil: Math.max(best.retainUntil, lock.retainUntil),
          };
  }
  return best;
}
