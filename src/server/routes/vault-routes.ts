import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import { MS_PER_HOUR } from '../../core/clock.js';
import { partsOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { defineProtected, guarded } from './protected-operations.js';
import { Name, Strict, Text, VaultParams } from './schemas.js';
import { VaultRegistry } from '../vault-registry.js';
import { toHttpError } from '../http-errors.js';

const S3Settings = Type.Object(
  {
    endpoint: Type.String({ maxLength: 2048 }),
    region: Type.Optional(Type.String({ maxLength: 64 })),
    bucket: Type.String({ maxLength: 63 }),
    prefix: Type.Optional(Type.String({ maxLength: 512 })),
    accessKeyId: Type.String({ maxLength: 256 }),
    secretAccessKey: Type.String({ maxLength: 512 }),
    forcePathStyle: Type.Optional(Type.Boolean()),
  },
  Strict,
);
const NewVault = Type.Union([
  Type.Object(
    { name: Name, kind: Type.Literal('local'), path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) },
    Strict,
  ),
  Type.Object({ name: Name, kind: Type.Literal('s3'), s3: S3Settings }, Strict),
]);
const VaultOptions = Type.Object(
  {
    minRetentionDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 36500 }), Type.Null()])),
    maxRetentionDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 36500 }), Type.Null()])),
    lockGenerationDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  Strict,
);
const LockRequest = Type.Object(
  {
    coolingOffHours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 90 })),
    confirmedIrreversible: Type.Boolean(),
    /** The console asks people to type the vault's name. */
    confirmName: Type.Optional(Name),
  },
  Strict,
);
const Reason = Type.Object({ reason: Type.Optional(Text(500)) }, Strict);

type VaultParamsT = { vault: string };

/** Vaults and their immutability (DESIGN §2.1). */
export function vaultRoutes(ctx: ServerContext): RouteDef[] {
  defineProtected(ctx, 'immutability.disable', (vault) =>
    ctx.vaults.exclusive(required(vault), (v) => v.disableImmutability()),
  );
  defineProtected(ctx, 'vault.delete', async (vault) => {
    const name = required(vault);
    const result = await ctx.vaults.exclusive(name, (v) => v.deleteVault());
    await ctx.vaults.forget(name);
    return result;
  });
  return [
    {
      method: 'GET',
      url: '/api/v1/vaults',
      permission: 'vault.read',
      summary: 'List vaults with their Data Lock Mode, size and points',
      tags: ['vaults'],
      // A vault whose storage cannot be reached is listed with the error, not left out.
      handler: async () =>
        Promise.all(
          (await ctx.vaults.list()).map((record) =>
            describeVault(ctx, record.name).catch((error: unknown) => ({
              name: record.name,
              kind: record.kind,
              location: VaultRegistry.describe(record),
              createdAt: record.created_at,
              error: toHttpError(error).body.error,
            })),
          ),
        ),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults',
      permission: 'vault.manage',
      summary: 'Create a vault',
      tags: ['vaults'],
      schema: { body: NewVault },
      handler: async (request, reply) => {
        const { body } = partsOf<unknown, unknown, Static<typeof NewVault>>(request);
        const record =
          body.kind === 'local'
            ? await ctx.vaults.createLocal(body.name, body.path)
            : await ctx.vaults.createS3(body.name, body.s3);
        const vault = await ctx.vaults.get(record.name);
        const preflight = await vault.doctor();
        await ctx.audit({
          action: 'vault.create',
          target: record.name,
          outcome: 'ok',
          message: `Vault ${record.name} (${record.kind}) created at ${VaultRegistry.describe(record)}.`,
        });
        void reply.status(201);
        return { ...(await describeVault(ctx, record.name)), preflight };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault',
      permission: 'vault.read',
      summary: 'Show a vault',
      tags: ['vaults'],
      schema: { params: VaultParams },
      handler: async (request) => describeVault(ctx, partsOf<VaultParamsT>(request).params.vault),
    },
    {
      method: 'PATCH',
      url: '/api/v1/vaults/:vault',
      permission: 'vault.manage',
      summary: "Change a vault's retention guardrails or lock generation",
      tags: ['vaults'],
      schema: { params: VaultParams, body: VaultOptions },
      handler: async (request) => {
        const { params, body } = partsOf<VaultParamsT, unknown, Static<typeof VaultOptions>>(request);
        return ctx.vaults.exclusive(params.vault, (v) => v.setVaultOptions(body));
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/vaults/:vault',
      permission: 'vault.manage',
      action: 'vault.delete',
      summary: 'Delete a vault (only when the rules allow it)',
      tags: ['vaults'],
      schema: { params: VaultParams },
      handler: async (request) => {
        const { vault } = partsOf<VaultParamsT>(request).params;
        await ctx.vaults.record(vault);
        return guarded(ctx, request, { operation: 'vault.delete', vault });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/immutability/enable',
      permission: 'immutability.manage',
      action: 'immutability.enable',
      summary: 'Enable immutability',
      tags: ['immutability'],
      schema: { params: VaultParams },
      handler: async (request) =>
        ctx.vaults.exclusive(partsOf<VaultParamsT>(request).params.vault, (v) => v.enableImmutability()),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/immutability/disable',
      permission: 'immutability.manage',
      action: 'immutability.disable',
      summary: 'Disable immutability',
      tags: ['immutability'],
      schema: { params: VaultParams, body: Reason },
      handler: async (request) => {
        const { params, body } = partsOf<VaultParamsT, unknown, { reason?: string }>(request);
        // Rules refuse before approvals are asked for: a locked vault refuses (VAULT_LOCKED) at once.
        const vault = await ctx.vaults.get(params.vault);
        if ((await vault.showVault()).state === 'locked') {
          return ctx.vaults.exclusive(params.vault, (v) => v.disableImmutability());
        }
        return guarded(ctx, request, {
          operation: 'immutability.disable',
          vault: params.vault,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
        });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/immutability/lock',
      permission: 'immutability.manage',
      action: 'immutability.lock',
      summary: 'Lock immutability (irreversible after the cooling-off)',
      tags: ['immutability'],
      schema: { params: VaultParams, body: LockRequest },
      handler: async (request) => {
        const { params, body } = partsOf<VaultParamsT, unknown, Static<typeof LockRequest>>(request);
        if (body.confirmName !== undefined && body.confirmName !== params.vault) {
          throw new AmberError(
            'CONFIRMATION_REQUIRED',
            `The name typed to confirm (${body.confirmName}) is not the vault's name (${params.vault}); nothing was locked.`,
          );
        }
        return ctx.vaults.exclusive(params.vault, (v) =>
          v.lockImmutability({
            coolingOffMs: (body.coolingOffHours ?? 72) * MS_PER_HOUR,
            confirmedIrreversible: body.confirmedIrreversible,
          }),
        );
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/immutability/cancel-lock',
      permission: 'immutability.manage',
      action: 'immutability.cancel-lock',
      summary: 'Cancel a lock during its cooling-off',
      tags: ['immutability'],
      schema: { params: VaultParams },
      handler: async (request) =>
        ctx.vaults.exclusive(partsOf<VaultParamsT>(request).params.vault, (v) => v.cancelLock()),
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/doctor',
      permission: 'vault.read',
      summary: "Probe what the vault's storage really enforces",
      tags: ['vaults'],
      schema: { params: VaultParams },
      handler: async (request) => (await ctx.vaults.get(partsOf<VaultParamsT>(request).params.vault)).doctor(),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/verify',
      permission: 'maintenance.run',
      summary: 'Verify the vault (optionally reading all data)',
      tags: ['maintenance'],
      schema: { params: VaultParams, body: Type.Object({ readData: Type.Boolean() }, Strict) },
      handler: async (request) => {
        const { params, body } = partsOf<VaultParamsT, unknown, { readData: boolean }>(request);
        return (await ctx.vaults.get(params.vault)).verify(body);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/catalog/rebuild',
      permission: 'maintenance.run',
      summary: "Rebuild the vault's catalog from its storage",
      tags: ['maintenance'],
      schema: { params: VaultParams },
      handler: async (request) =>
        ctx.vaults.exclusive(partsOf<VaultParamsT>(request).params.vault, (v) => v.rebuildCatalog()),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/maintenance',
      permission: 'maintenance.run',
      summary:
        'Run maintenance: expire points, collect garbage, re-lock (expiry waits while the clock guard is frozen)',
      tags: ['maintenance'],
      schema: { params: VaultParams, body: Type.Object({ dryRun: Type.Boolean() }, Strict) },
      handler: async (request) => {
        const { params, body } = partsOf<VaultParamsT, unknown, { dryRun: boolean }>(request);
        return runVaultMaintenance(ctx, params.vault, body.dryRun);
      },
    },
  ];
}

/** Maintenance of one vault, with expiry frozen while the clock guard has an open alert. */
export async function runVaultMaintenance(ctx: ServerContext, vault: string, dryRun: boolean) {
  const freeze = await ctx.clockGuard.checkExpiry();
  return ctx.vaults.exclusive(vault, (v) =>
    v.runMaintenance({ dryRun, ...(freeze === undefined ? {} : { expiryFrozen: freeze }) }),
  );
}

export async function describeVault(ctx: ServerContext, name: string) {
  const record = await ctx.vaults.record(name);
  const vault = await ctx.vaults.get(name);
  const [immutability, points] = await Promise.all([vault.showVault(), vault.listPoints()]);
  return {
    name: record.name,
    kind: record.kind,
    location: VaultRegistry.describe(record),
    createdAt: record.created_at,
    ...immutability,
    points: points.length,
    sizeBytes: points.reduce((sum, p) => sum + p.sizeBytes, 0),
    storedBytes: points.reduce((sum, p) => sum + p.addedStoredBytes, 0),
  };
}

function required(vault: string | undefined): string {
  if (vault === undefined) throw new AmberError('INVALID_ARGUMENT', 'The operation names no vault.');
  return vault;
}
