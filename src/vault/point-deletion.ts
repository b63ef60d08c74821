import { AmberError } from '../core/errors.js';
import { objectKeys, type PointId } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import type { PointRow } from '../catalog/point-row.js';
import type { AdminContext } from './admin-context.js';

export async function pointOrFail(ctx: AdminContext, id: PointId): Promise<PointRow> {
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
  options: { bypassGovernance: boolean; approved?: boolean },
): Promise<void> {
  const settings = await ctx.settings();
  const point = await pointOrFail(ctx, id);
  const decision = decide(
    {
      op: 'delete-point',
      point: { id, retainUntil: point.retainUntil, legalHold: ctx.isHeld(settings, point) },
      governanceBypass: options.bypassGovernance,
      // Approvals (multi-user authorization) are granted on the vault server; embedded mode has none.
      approved: options.approved ?? false,
    },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('point.delete', id, decision);
  const bypassGovernance = options.bypassGovernance || (await ctx.governanceLocksAreStale());
  await deletePointObjects(ctx, id, { bypassGovernance });
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
