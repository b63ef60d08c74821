import { objectKeys } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import { summarizePoints } from '../core/immutability/points-summary.js';
import type { ItemSettings } from '../format/vault-settings.js';
import type { AdminContext } from './admin-context.js';
import { blocksDeletion } from './garbage-collection.js';
import { deletePointObjects } from './point-deletion.js';
import { findItem } from './policy-admin.js';

export interface StopOutcome {
  readonly item: ItemSettings;
  readonly deletedPoints: string[];
  /**
   * Expired points whose storage lock (rounded up to a lock generation) has not lapsed yet: they are
   * left to maintenance, which removes them once it has.
   */
  readonly deferredPoints: string[];
}

/**
 * Stops protection. Retaining data always works; deleting data is a deletion of every point of the
 * item, allowed only when the decision table allows it (a disabled vault, or no unexpired points; no
 * point under legal hold). Points storage still locks are left to maintenance rather than failing
 * half-way.
 */
export async function stopItem(ctx: AdminContext, name: string, deleteData: boolean): Promise<StopOutcome> {
  const settings = await ctx.settings();
  const item = findItem(settings.items, name);
  const points = (await ctx.catalog.listPoints({ item: name })).map((p) => ({
    ...p,
    legalHold: ctx.isHeld(settings, p),
  }));
  const nowMs = ctx.clock.nowMs();
  const decision = decide(
    { op: 'stop-protection', deleteData, points: summarizePoints(points) },
    { vault: settings.immutability, nowMs },
  );
  if (!decision.allowed) throw await ctx.audit.refused('item.stop', name, decision);
  const deletedPoints: string[] = [];
  const deferredPoints: string[] = [];
  if (deleteData) {
    const bypassGovernance = await ctx.governanceLocksAreStale();
    for (const point of points) {
      const info = await ctx.repo.store.stat(objectKeys.point(point.id));
      if (blocksDeletion(info, nowMs, bypassGovernance)) {
        deferredPoints.push(point.id);
        continue;
      }
      await deletePointObjects(ctx, point.id, { bypassGovernance });
      deletedPoints.push(point.id);
    }
  }
  const stopped: ItemSettings = { ...item, state: deleteData ? 'stopped-delete' : 'stopped-retain' };
  await ctx.updateSettings({ items: settings.items.map((i) => (i.name === name ? stopped : i)) });
  await ctx.audit.ok(
    'item.stop',
    name,
    `Protection of ${name} stopped (${deleteData ? 'data deleted' : 'data retained'}).`,
    { deletedPoints: deletedPoints.length, deferredPoints },
  );
  return { item: stopped, deletedPoints, deferredPoints };
}
