import { AmberError } from '../core/errors.js';
import { decide } from '../core/immutability/decision-table.js';
import { checkRetentionGuardrails } from '../core/immutability/retention-guardrails.js';
import { isRetentionReduction } from '../core/retention/compare-retention.js';
import {
  describeProblems,
  retentionSpanDays,
  validateRetentionPolicy,
  type RetentionPolicy,
} from '../core/retention/retention-policy.js';
import { canonicalTimeZone, isValidTimeZone } from '../core/retention/zoned-time.js';
import type { ItemSettings, PolicySettings } from '../format/vault-settings.js';
import type { AdminContext } from './admin-context.js';
import { extendPointRetention } from './extend-point-retention.js';
import { validateItemName } from './validate.js';
import { validateSchedule } from './schedule.js';

export interface PolicyInput {
  readonly name: string;
  readonly retention: RetentionPolicy;
  readonly schedule?: string;
  readonly timeZone?: string;
}

function validatePolicy(input: PolicyInput): void {
  validateItemName(input.name);
  const problems = validateRetentionPolicy(input.retention);
  if (problems.length > 0)
    throw new AmberError('INVALID_ARGUMENT', `The policy's retention is invalid: ${describeProblems(problems)}`);
  if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
    throw new AmberError('INVALID_ARGUMENT', `"${input.timeZone}" is not an IANA time zone such as Europe/Berlin.`);
  }
  // Cron with 5 fields (or 6, with seconds first) or a nickname such as @daily, read by the scheduler.
  if (input.schedule !== undefined) validateSchedule(input.schedule.trim(), input.timeZone ?? 'UTC');
}

async function checkGuardrails(ctx: AdminContext, action: string, input: PolicyInput): Promise<void> {
  const settings = await ctx.settings();
  const decision = checkRetentionGuardrails(retentionSpanDays(input.retention), settings);
  if (!decision.allowed) throw await ctx.audit.refused(action, input.name, decision);
}

export async function createPolicy(ctx: AdminContext, input: PolicyInput): Promise<PolicySettings> {
  validatePolicy(input);
  const settings = await ctx.settings();
  if (settings.policies.some((p) => p.name === input.name)) {
    throw new AmberError('ALREADY_EXISTS', `A policy named ${input.name} already exists; use policy update.`);
  }
  await checkGuardrails(ctx, 'policy.create', input);
  const nowMs = ctx.clock.nowMs();
  const policy: PolicySettings = {
    name: input.name,
    retention: input.retention,
    ...(input.schedule === undefined ? {} : { schedule: input.schedule.trim() }),
    timeZone: canonicalTimeZone(input.timeZone ?? 'UTC'),
    createdAt: nowMs,
    updatedAt: nowMs,
  };
  await ctx.updateSettings({ policies: [...settings.policies, policy] });
  await ctx.audit.ok('policy.create', policy.name, `Policy ${policy.name} created.`, { retention: policy.retention });
  return policy;
}

/** Changes a policy. A retention reduction is refused while immutability is on (DESIGN §2.2). */
export async function updatePolicy(
  ctx: AdminContext,
  name: string,
  changes: { retention?: RetentionPolicy; schedule?: string | null; timeZone?: string },
): Promise<PolicySettings> {
  const settings = await ctx.settings();
  const current = findPolicy(settings.policies, name);
  const input: PolicyInput = {
    name,
    retention: changes.retention ?? current.retention,
    ...(changes.schedule === null ? {} : { schedule: changes.schedule ?? current.schedule }),
    timeZone: changes.timeZone ?? current.timeZone,
  };
  validatePolicy(input);
  await checkGuardrails(ctx, 'policy.update', input);
  if (changes.retention !== undefined) {
    const decision = decide(
      {
        op: 'change-policy-retention',
        reducesRetention: isRetentionReduction(changes.retention, current.retention),
        governanceBypass: false,
        approved: false,
      },
      { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
    );
    if (!decision.allowed) throw await ctx.audit.refused('policy.update', name, decision);
  }
  const updated: PolicySettings = {
    ...current,
    retention: input.retention,
    timeZone: canonicalTimeZone(input.timeZone ?? 'UTC'),
    updatedAt: ctx.clock.nowMs(),
    ...(input.schedule === undefined ? {} : { schedule: input.schedule }),
  };
  if (input.schedule === undefined) delete (updated as { schedule?: string }).schedule;
  await ctx.updateSettings({ policies: settings.policies.map((p) => (p.name === name ? updated : p)) });
  await ctx.audit.ok('policy.update', name, `Policy ${name} updated.`, { retention: updated.retention });
  if (changes.retention !== undefined || changes.timeZone !== undefined) {
    await extendPointRetention(
      ctx,
      settings.items.filter((i) => i.policy === name).map((i) => i.name),
    );
  }
  return updated;
}

export function findPolicy(policies: readonly PolicySettings[], name: string): PolicySettings {
  const policy = policies.find((p) => p.name === name);
  if (policy === undefined)
    throw new AmberError('NOT_FOUND', `There is no policy named ${name}.`, { details: { policy: name } });
  return policy;
}

export function findItem(items: readonly ItemSettings[], name: string): ItemSettings {
  const item = items.find((i) => i.name === name);
  if (item === undefined)
    throw new AmberError('NOT_FOUND', `There is no protected item named ${name}.`, { details: { item: name } });
  return item;
}

export async function addItem(
  ctx: AdminContext,
  input: { name: string; policy: string; paths: readonly string[] },
): Promise<ItemSettings> {
  validateItemName(input.name);
  const settings = await ctx.settings();
  findPolicy(settings.policies, input.policy);
  if (settings.items.some((i) => i.name === input.name)) {
    throw new AmberError('ALREADY_EXISTS', `A protected item named ${input.name} already exists.`);
  }
  if (input.paths.length === 0) throw new AmberError('USAGE', 'Give at least one --path for the item to protect.');
  const item: ItemSettings = { ...input, paths: [...input.paths], state: 'protected', createdAt: ctx.clock.nowMs() };
  await ctx.updateSettings({ items: [...settings.items, item] });
  await ctx.audit.ok('item.add', item.name, `Item ${item.name} is now protected by policy ${item.policy}.`);
  return item;
}

/** Moves an item to another policy; a move to a shorter retention is a reduction (refused while immutable). */
export async function moveItem(ctx: AdminContext, name: string, policyName: string): Promise<ItemSettings> {
  const settings = await ctx.settings();
  const item = findItem(settings.items, name);
  const from = findPolicy(settings.policies, item.policy);
  const to = findPolicy(settings.policies, policyName);
  const decision = decide(
    {
      op: 'move-item-to-policy',
      reducesRetention: isRetentionReduction(to.retention, from.retention),
      governanceBypass: false,
      approved: false,
    },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('item.move', name, decision);
  const moved = { ...item, policy: policyName };
  await ctx.updateSettings({ items: settings.items.map((i) => (i.name === name ? moved : i)) });
  await ctx.audit.ok('item.move', name, `Item ${name} moved to policy ${policyName}.`);
  await extendPointRetention(ctx, [name]);
  return moved;
}
