import { toIso } from '../core/clock.js';
import { extendOnly } from '../core/immutability/extend-only.js';
import { computeRetention } from '../core/retention/gfs.js';
import type { AdminContext } from './admin-context.js';
import { lockAllPoints } from './lock-points.js';

/**
 * After a policy change (or an item's move to another policy), recomputes the retention of every
 * existing point of the items concerned under their policy now (DESIGN §2.3: increasing a policy's
 * retention extends existing points). Retention only ever grows here: a point is never shortened by
 * a policy change, whatever the vault's state. Extended points get their storage locks extended.
 *
 * The longer retainUntil is recorded in the catalog and, in an immutable vault, by the manifest's
 * storage lock (from which a rebuilt catalog reads it back).
 */
export async function extendPointRetention(ctx: AdminContext, itemNames: readonly string[]): Promise<number> {
  const settings = await ctx.settings();
  let extended = 0;
  for (const item of settings.items.filter((i) => itemNames.includes(i.name))) {
    const policy = settings.policies.find((p) => p.name === item.policy);
    if (policy === undefined) continue;
    const points = await ctx.catalog.listPoints({ item: item.name });
    const createdAt = points.map((p) => p.createdAt);
    for (const point of points) {
      const decided = computeRetention({
        policy: policy.retention,
        createdAt: point.createdAt,
        timeZone: policy.timeZone,
        previousPointsCreatedAt: createdAt,
      });
      const change = extendOnly(point.retainUntil, decided.retainUntil, true);
      if (change.outcome !== 'extended') continue;
      await ctx.catalog.updatePointProtection(point.id, {
        retainUntil: change.retainUntil,
        lockMode: point.lockMode,
        legalHold: point.legalHold,
      });
      await ctx.audit.ok('point.extend', point.id, change.reason, {
        policy: policy.name,
        retainUntil: toIso(change.retainUntil),
      });
      extended++;
    }
  }
  if (extended > 0) await lockAllPoints(ctx);
  return extended;
}
