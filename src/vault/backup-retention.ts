import { AmberError } from '../core/errors.js';
import { MS_PER_DAY } from '../core/clock.js';
import { checkRetentionGuardrails } from '../core/immutability/retention-guardrails.js';
import { computeRetention } from '../core/retention/gfs.js';
import type { AdminContext } from './admin-context.js';
import { findPolicy } from './policy-admin.js';
import type { BackupRequest } from './vault-service.js';

export interface BackupRetention {
  readonly retainUntil: number;
  readonly tags: string[];
  readonly reasons: string[];
}

/**
 * The retention of a new point, computed by the vault from its own clock: the item's policy (simple
 * or GFS, with the tags the point earns among the item's earlier points), or `--retain` days for an
 * item without a policy — never less than `--retain`. The vault's guardrails must accept it.
 */
export async function backupRetention(
  ctx: AdminContext,
  request: Pick<BackupRequest, 'item' | 'retainDays'>,
  createdAt: number,
): Promise<BackupRetention> {
  const settings = await ctx.settings();
  const item = settings.items.find((i) => i.name === request.item);
  const floor = createdAt + request.retainDays * MS_PER_DAY;
  let retention: BackupRetention = {
    retainUntil: floor,
    tags: [],
    reasons: [`kept ${request.retainDays} days as asked (--retain)`],
  };
  if (item !== undefined) {
    if (item.state !== 'protected') {
      throw new AmberError(
        'INVALID_ARGUMENT',
        `Protection of ${item.name} is stopped (${item.state}); it takes no new backups.`,
      );
    }
    const policy = findPolicy(settings.policies, item.policy);
    const previous = (await ctx.catalog.listPoints({ item: item.name })).map((p) => p.createdAt);
    const decided = computeRetention({
      policy: policy.retention,
      createdAt,
      timeZone: policy.timeZone,
      previousPointsCreatedAt: previous,
    });
    retention = {
      retainUntil: Math.max(decided.retainUntil, floor),
      tags: decided.tags,
      reasons: [`policy ${policy.name}`, ...decided.reasons],
    };
  }
  const days = (retention.retainUntil - createdAt) / MS_PER_DAY;
  const decision = checkRetentionGuardrails(days, settings);
  if (!decision.allowed) throw await ctx.audit.refused('point.create', request.item, decision);
  return retention;
}
