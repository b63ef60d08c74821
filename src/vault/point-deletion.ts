import { AmberError } from '../core/errors.js';
import { objectKeys, type PointId } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import type { PointRow } from '../catalog/point-row.js';
import type { AdminContext } from './admin-context.js';
import { pointObjectKeys } from './storage-locks.js';

async function pointOrFail(ctx: AdminContext, id: PointId): Promise<PointRow> {
  const point = await ctx.catalog.getPoint(id);
  if (point === undefined)
    throw new AmberError('POINT_NOT_FOUND', `There is no recovery point ${id}.`, { details: { point: id } });
  return point;
}

/**
 * Deletes a recovery point before or after its retention, as the decision table allows. Only the
 * manifest goes: the point stops existing at once, and its data is left to garbage collection, which
 * removes only what no other point needs.
 */
export async function deletePoint(
  ctx: AdminContext,
  id: PointId,
  options: { bypassGovernance: boolean },
): Promise<void> {
  const settings = await ctx.settings();
  const point = await pointOrFail(ctx, id);
  const decision = decide(
    {
      op: 'delete-point',
      point: { id, retainUntil: point.retainUntil, legalHold: ctx.isHeld(settings, point) },
      governanceBypass: options.bypassGovernance,
      // Approvals (multi-user authorization) come with the vault server; none can be granted here.
      approved: false,
    },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('point.delete', id, decision);
  await deletePointObjects(ctx, id, options);
  await ctx.audit.ok('point.delete', id, `Recovery point ${id} deleted.`);
}

/** Removes a point's manifest (storage enforces its lock once more) and its catalog row. */
export async function deletePointObjects(
  ctx: AdminContext,
  id: PointId,
  options: { bypassGovernance: boolean },
): Promise<void> {
  await ctx.audit.guard('point.delete', id, () =>
    ctx.repo.store.delete(objectKeys.point(id), { bypassGovernance: options.bypassGovernance }),
  );
  await ctx.catalog.removePoint(id);
}

/** Puts a point under legal hold: no deletion in any state until released; storage holds every object it needs. */
export async function setLegalHold(ctx: AdminContext, id: PointId, reason: string): Promise<void> {
  if (reason.trim() === '')
    throw new AmberError('USAGE', 'A legal hold needs a --reason (a case, a ticket, a request).');
  const settings = await ctx.settings();
  const point = await pointOrFail(ctx, id);
  if (!ctx.isHeld(settings, point)) {
    const { body } = await ctx.repo.loadPoint(id);
    for (const key of pointObjectKeys(id, body)) await ctx.repo.store.setLegalHold(key, true);
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
  const stillHeld = new Set<string>();
  for (const hold of others) {
    const { body } = await ctx.repo.loadPoint(hold.pointId as PointId);
    for (const key of pointObjectKeys(hold.pointId as PointId, body)) stillHeld.add(key);
  }
  const { body } = await ctx.repo.loadPoint(id);
  for (const key of pointObjectKeys(id, body)) if (!stillHeld.has(key)) await ctx.repo.store.setLegalHold(key, false);
  await ctx.updateSettings({ holds: others });
  await ctx.catalog.updatePointProtection(id, {
    retainUntil: point.retainUntil,
    lockMode: point.lockMode,
    legalHold: false,
  });
  await ctx.audit.ok('hold.release', id, `Legal hold on ${id} released.`);
}
