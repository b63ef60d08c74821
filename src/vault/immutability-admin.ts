import { AmberError } from '../core/errors.js';
import { decide } from '../core/immutability/decision-table.js';
import {
  cancelLock,
  disableImmutability,
  effectiveImmutability,
  enableImmutability,
  requestLock,
  type Transition,
  type VaultImmutability,
} from '../core/immutability/immutability-state.js';
import { validateRetentionGuardrails } from '../core/immutability/retention-guardrails.js';
import type { VaultSettings } from '../format/vault-settings.js';
import type { AdminContext } from './admin-context.js';
import { lockAllPoints } from './lock-points.js';

export interface ImmutabilityView {
  readonly vaultId: string;
  readonly state: VaultImmutability['state'];
  readonly lockRequestedAt?: number;
  readonly lockEffectiveAt?: number;
  readonly storageLockMode: 'none' | 'governance' | 'compliance';
  readonly minRetentionDays?: number;
  readonly maxRetentionDays?: number;
  readonly lockGenerationDays: number;
}

export async function showVault(ctx: AdminContext): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  const effective = effectiveImmutability(settings.immutability, ctx.clock.nowMs());
  return {
    vaultId: ctx.repo.vaultId,
    ...effective,
    storageLockMode: await ctx.lockMode(),
    ...(settings.minRetentionDays === undefined ? {} : { minRetentionDays: settings.minRetentionDays }),
    ...(settings.maxRetentionDays === undefined ? {} : { maxRetentionDays: settings.maxRetentionDays }),
    lockGenerationDays: settings.lockGenerationDays,
  };
}

async function applyTransition(ctx: AdminContext, action: string, transition: Transition): Promise<ImmutabilityView> {
  const target = ctx.repo.vaultId;
  if (!transition.allowed) throw await ctx.audit.refused(action, target, transition);
  if (transition.event !== 'immutability.unchanged') {
    await ctx.updateSettings({ immutability: transition.next });
    // Enabling (and locking) applies to every existing point: lock what each one needs.
    const applied = await lockAllPoints(ctx);
    await ctx.audit.ok(transition.event, target, `Vault immutability is now ${transition.next.state}.`, {
      lockRequests: applied.extensions,
    });
  }
  return showVault(ctx);
}

export async function enableVaultImmutability(ctx: AdminContext): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  return applyTransition(ctx, 'immutability.enable', enableImmutability(settings.immutability, ctx.clock.nowMs()));
}

export async function disableVaultImmutability(ctx: AdminContext): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  const nowMs = ctx.clock.nowMs();
  const decision = decide(
    // Embedded mode has no approvals (they come with the server); none are configured here.
    { op: 'disable-immutability', approvalRequired: false, approved: false },
    { vault: settings.immutability, nowMs },
  );
  if (!decision.allowed) throw await ctx.audit.refused('immutability.disable', ctx.repo.vaultId, decision);
  return applyTransition(ctx, 'immutability.disable', disableImmutability(settings.immutability, nowMs));
}

export async function lockVaultImmutability(
  ctx: AdminContext,
  request: { coolingOffMs: number; confirmedIrreversible: boolean },
): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  const transition = requestLock(
    settings.immutability,
    { ...request, minCoolingOffMs: ctx.minCoolingOffMs },
    ctx.clock.nowMs(),
  );
  return applyTransition(ctx, 'immutability.lock', transition);
}

export async function cancelVaultLock(ctx: AdminContext): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  return applyTransition(ctx, 'immutability.cancel_lock', cancelLock(settings.immutability, ctx.clock.nowMs()));
}

/** Changes the vault's retention guardrails and lock generation, under the decision table's rules. */
export async function setVaultOptions(
  ctx: AdminContext,
  options: { minRetentionDays?: number | null; maxRetentionDays?: number | null; lockGenerationDays?: number },
): Promise<ImmutabilityView> {
  const settings = await ctx.settings();
  const proposed = {
    ...pick(settings, options, 'minRetentionDays'),
    ...pick(settings, options, 'maxRetentionDays'),
  };
  const valid = validateRetentionGuardrails(proposed);
  if (!valid.allowed) throw await ctx.audit.refused('vault.set', ctx.repo.vaultId, valid);
  const points = await ctx.catalog.listPoints();
  const longest =
    points.length === 0 ? undefined : Math.max(...points.map((p) => (p.retainUntil - p.createdAt) / 86_400_000));
  const decision = decide(
    {
      op: 'change-vault-guardrails',
      current: pick(settings, {}, 'minRetentionDays', 'maxRetentionDays'),
      proposed,
      ...(longest === undefined ? {} : { longestPointRetentionDays: longest }),
    },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('vault.set', ctx.repo.vaultId, decision);
  const generation = options.lockGenerationDays ?? settings.lockGenerationDays;
  if (!Number.isInteger(generation) || generation < 0 || generation > 365) {
    throw new AmberError('INVALID_ARGUMENT', `The lock generation must be 0 to 365 whole days, not ${generation}.`);
  }
  // Absent guardrails are written as absent (JSON drops undefined), which clears them.
  await ctx.updateSettings({
    lockGenerationDays: generation,
    minRetentionDays: proposed.minRetentionDays,
    maxRetentionDays: proposed.maxRetentionDays,
  } as Partial<VaultSettings>);
  await ctx.audit.ok('vault.set', ctx.repo.vaultId, 'Vault retention settings changed.', {
    ...proposed,
    lockGenerationDays: generation,
  });
  return showVault(ctx);
}

type GuardrailKey = 'minRetentionDays' | 'maxRetentionDays';

function pick(
  settings: VaultSettings,
  options: Partial<Record<GuardrailKey, number | null>>,
  ...keys: GuardrailKey[]
): { minRetentionDays?: number; maxRetentionDays?: number } {
  const out: { minRetentionDays?: number; maxRetentionDays?: number } = {};
  for (const key of keys.length === 0 ? (['minRetentionDays', 'maxRetentionDays'] as const) : keys) {
    const given = options[key];
    const value = given === undefined ? settings[key] : given === null ? undefined : given;
    if (value !== undefined) out[key] = value;
  }
  return out;
}
