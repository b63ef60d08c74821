import { randomBytes } from 'node:crypto';
import { AmberError } from '../core/errors.js';
import type { JobRecord } from '../catalog/server-catalog.js';
import { jobView, type JobView } from '../catalog/job-view.js';
import type { ServerContext } from './server-context.js';
import { currentActor } from './request-context.js';

function newJobId(): string {
  return 'job_' + randomBytes(8).toString('hex');
}

function emptyJob(): Omit<
  JobRecord,
  'id' | 'vault' | 'item' | 'agent' | 'kind' | 'trigger' | 'requested_by' | 'created_at' | 'params'
> {
  return {
    scheduled_for: null,
    status: 'queued',
    started_at: null,
    finished_at: null,
    point_id: null,
    files: null,
    bytes: null,
    added_bytes: null,
    duration_ms: null,
    warnings: null,
    progress: null,
    message: null,
  };
}

/**
 * Queues a backup of an item for the agent it is assigned to ("back up now", or a scheduled run).
 * A scheduled run is queued once per (item, scheduled time), whatever restarts happen.
 */
export async function queueBackup(
  ctx: ServerContext,
  vault: string,
  item: string,
  options: { trigger: JobRecord['trigger']; scheduledFor?: number },
): Promise<JobView | undefined> {
  const items = await (await ctx.vaults.get(vault)).listItems();
  const settings = items.find((i) => i.name === item);
  if (settings === undefined) throw new AmberError('INVALID_ARGUMENT', `Vault ${vault} has no protected item ${item}.`);
  if (settings.state !== 'protected') {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `Protection of ${item} is stopped (${settings.state}); it takes no new backups.`,
    );
  }
  const agent = await ctx.catalog.agentOfItem(vault, item);
  if (agent === undefined) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `Item ${item} has no agent to run its backups: assign one (amber item add … --agent NAME), or back it up from its host with amber backup --server.`,
    );
  }
  const job: JobRecord = {
    ...emptyJob(),
    id: newJobId(),
    vault,
    item,
    agent,
    kind: 'backup',
    trigger: options.trigger,
    scheduled_for: options.scheduledFor ?? null,
    created_at: ctx.clock.nowMs(),
    requested_by: options.trigger === 'schedule' ? 'scheduler' : currentActor(),
    params: '{}',
  };
  if (!(await ctx.jobs.add(job))) return undefined;
  await ctx.audit({
    action: 'job.queue',
    target: job.id,
    outcome: 'ok',
    message: `Backup of ${item} queued for agent ${agent} (${options.trigger}).`,
    details: { vault, item, agent, trigger: options.trigger },
  });
  return jobView(job);
}

/** Queues a restore of a point onto its item's agent (or another agent of the vault), into `target`. */
export async function queueRestore(
  ctx: ServerContext,
  input: { vault: string; item: string; pointId: string; agent?: string; target: string; includes: readonly string[] },
): Promise<JobView> {
  const agent = input.agent ?? (await ctx.catalog.agentOfItem(input.vault, input.item));
  const record = agent === undefined ? undefined : await ctx.catalog.getAgent(agent);
  if (agent === undefined || record === undefined || record.vault !== input.vault) {
    throw new AmberError(
      'AGENT_NOT_FOUND',
      `There is no agent of vault ${input.vault} to restore onto${agent === undefined ? '' : ` (${agent})`}.`,
    );
  }
  const job: JobRecord = {
    ...emptyJob(),
    id: newJobId(),
    vault: input.vault,
    item: input.item,
    agent,
    kind: 'restore',
    trigger: 'manual',
    created_at: ctx.clock.nowMs(),
    requested_by: currentActor(),
    params: JSON.stringify({ point: input.pointId, target: input.target, includes: input.includes }),
  };
  await ctx.jobs.add(job);
  await ctx.audit({
    action: 'job.queue',
    target: job.id,
    outcome: 'ok',
    message: `Restore of point ${input.pointId} to ${agent}:${input.target} queued.`,
    details: { vault: input.vault, item: input.item, agent, point: input.pointId, target: input.target },
  });
  return jobView(job);
}
