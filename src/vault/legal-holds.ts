import { AmberError } from '../core/errors.js';
import type { PointId } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import type { AdminContext } from './admin-context.js';
import { IndexSegmentMap } from './index-segment-map.js';
import { pointOrFail } from './point-deletion.js';

/** Every object the held points need (manifests, packs, current index segments), from storage. */
async function heldObjectKeys(
  ctx: AdminContext,
  map: IndexSegmentMap,
  pointIds: readonly PointId[],
): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const id of pointIds) {
    const { body } = await ctx.repo.loadPoint(id);
    for (const key of map.pointObjectKeys(id, body)) keys.add(key);
  }
  return keys;
}

/** Puts a point under legal hold: no deletion in any state until released; storage holds every object it needs. */
export async function setLegalHold(ctx: AdminContext, id: PointId, reason: string): Promise<void> {
  if (reason.trim() === '')
    throw new AmberError('USAGE', 'A legal hold needs a --reason (a case, a ticket, a request).');
  const settings = await ctx.settings();
  const point = await pointOrFail(ctx, id);
  if (!ctx.isHeld(settings, point)) {
    const map = await IndexSegmentMap.load(ctx.repo);
    for (const key of await heldObjectKeys(ctx, map, [id])) await ctx.repo.store.setLegalHold(key, true);
    await ctx.updateSettings({ holds: [...settings.holds, { pointId: id, reason, setAt: ctx.clock.nowMs() }] });
    await ctx.catalog.updatePointProtection(id, {
      retainUntil: point.retainUntil,
      lockMode: point.lockMode,
      legalHold: true,
    });
  }
  await ctx.audit.ok('hold.set', id, `Legal hold set on ${id}: ${reason}`, { reason });
}

/**
 * Releases a legal hold. Storage holds are counted per object: an object another held point needs
 * keeps its hold.
 */
export async function releaseLegalHold(ctx: AdminContext, id: PointId): Promise<void> {
  const settings = await ctx.settings();
  const point = await pointOrFail(ctx, id);
  const decision = decide(
    { op: 'release-legal-hold', approvalRequired: false, approved: false },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('hold.release', id, decision);
  if (!ctx.isHeld(settings, point))
    throw new AmberError('INVALID_ARGUMENT', `Recovery point ${id} is not under legal hold.`);
  const others = settings.holds.filter((h) => h.pointId !== id);
  const map = await IndexSegmentMap.load(ctx.repo);
  const stillHeld = await heldObjectKeys(
    ctx,
    map,
    others.map((h) => h.pointId as PointId),
  );
  for (const key of await heldObjectKeys(ctx, map, [id])) {
    if (!stillHeld.has(key)) await ctx.repo.store.setLegalHold(key, false);
  }
  await ctx.updateSettings({ holds: others });
  await ctx.catalog.updatePointProtection(id, {
    retainUntil: point.retainUntil,
    lockMode: point.lockMode,
    legalHold: false,
  });
  await ctx.audit.ok('hold.release', id, `Legal hold on ${id} released.`);
}

/**
 * Makes storage hold every object the held points need now — garbage collection may have written a
 * new index segment that describes their packs in place of the one their manifest names.
 */
export async function reapplyLegalHolds(ctx: AdminContext): Promise<number> {
  const { holds } = await ctx.settings();
  if (holds.length === 0) return 0;
  const map = await IndexSegmentMap.load(ctx.repo);
  let applied = 0;
  const keys = await heldObjectKeys(
    ctx,
    map,
    holds.map((h) => h.pointId as PointId),
  );
  for (const key of keys) {
    if ((await ctx.repo.store.stat(key)).legalHold) continue;
    await ctx.repo.store.setLegalHold(key, true);
    applied++;
  }
  return applied;
}
