import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { objectKeys } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import { summarizePoints } from '../core/immutability/points-summary.js';
import type { AdminContext } from './admin-context.js';

/** Deletion order: what names other objects first, the header (what makes it a vault) last. */
const PREFIXES = ['points/', 'index/', 'packs/', 'audit/', 'settings/', 'keys/'] as const;

/**
 * Deletes every object of the vault, as the decision table allows: a disabled vault only when it holds
 * no point, an immutable one only when no point is unexpired or held. Storage is asked first: if any
 * object is still locked (a lock rounded up to its generation) or held, nothing is deleted and the
 * refusal says until when. The catalog, with the audit trail that records the deletion, stays.
 */
export async function deleteVault(ctx: AdminContext): Promise<{ deletedObjects: number }> {
  const settings = await ctx.settings();
  const nowMs = ctx.clock.nowMs();
  const points = (await ctx.catalog.listPoints()).map((p) => ({ ...p, legalHold: ctx.isHeld(settings, p) }));
  const decision = decide(
    { op: 'delete-vault', points: summarizePoints(points) },
    { vault: settings.immutability, nowMs },
  );
  if (!decision.allowed) throw await ctx.audit.refused('vault.delete', ctx.repo.vaultId, decision);

  const bypassGovernance = await ctx.governanceLocksAreStale();
  const keys: string[] = [];
  for (const prefix of PREFIXES) for await (const object of ctx.repo.store.list(prefix)) keys.push(object.key);
  keys.push(objectKeys.header);
  for (const key of keys) {
    const info = await ctx.repo.store.stat(key);
    const locked =
      info.lock !== undefined &&
      info.lock.retainUntil > nowMs &&
      !(bypassGovernance && info.lock.mode === 'governance');
    if (info.legalHold || locked) {
      const until = info.lock?.retainUntil;
      const error = new AmberError(
        info.legalHold ? 'LEGAL_HOLD_ACTIVE' : 'OBJECT_LOCKED',
        info.legalHold
          ? `Storage holds ${key} under legal hold; nothing was deleted.`
          : `Storage locks ${key} until ${toIso(until ?? nowMs)} (locks end on lock-generation boundaries); nothing was deleted — delete the vault after that date.`,
        { details: { key, ...(until === undefined ? {} : { until: toIso(until) }) } },
      );
      await ctx.audit.refused('vault.delete', ctx.repo.vaultId, {
        allowed: false,
        code: error.code,
        reason: error.message,
        ...(until === undefined ? {} : { until }),
      });
      throw error;
    }
  }
  for (const key of keys) await ctx.repo.store.delete(key, { bypassGovernance });
  for (const point of points) await ctx.catalog.removePoint(point.id);
  await ctx.audit.ok('vault.delete', ctx.repo.vaultId, `The vault and its ${keys.length} objects were deleted.`);
  return { deletedObjects: keys.length };
}
