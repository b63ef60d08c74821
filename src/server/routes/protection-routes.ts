import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import type { RetentionPolicy } from '../../core/retention/retention-policy.js';
import { partsOf, principalOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { refuse } from '../agent-scope.js';
import { roleHas } from '../../core/rbac.js';
import { defineProtected, guarded } from './protected-operations.js';
import { ItemName, Name, RetentionPolicySchema, Strict, VaultItemParams, VaultParams } from './schemas.js';
import { queueBackup } from '../job-service.js';

const NewPolicy = Type.Object(
  {
    name: ItemName,
    retention: RetentionPolicySchema,
    schedule: Type.Optional(Type.String({ maxLength: 200 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  Strict,
);
const PolicyChanges = Type.Object(
  {
    retention: Type.Optional(RetentionPolicySchema),
    schedule: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  Strict,
);
const NewItem = Type.Object(
  {
    name: ItemName,
    policy: ItemName,
    paths: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 100 }),
    agent: Type.Optional(Name),
  },
  Strict,
);

type VaultParamsT = { vault: string };
type ItemParamsT = { vault: string; item: string };

/** Policies and protected items. */
export function protectionRoutes(ctx: ServerContext): RouteDef[] {
  defineProtected(ctx, 'retention.reduce', (vault, params) =>
    ctx.vaults.exclusive(vault ?? '', (v) =>
      v.updatePolicy(String(params['policy']), params['changes'] as Parameters<typeof v.updatePolicy>[1]),
    ),
  );
  return [
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/policies',
      permission: 'vault.read',
      summary: 'List policies',
      tags: ['policies'],
      schema: { params: VaultParams },
      handler: async (request) => (await ctx.vaults.get(partsOf<VaultParamsT>(request).params.vault)).listPolicies(),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/policies',
      permission: 'policy.manage',
      action: 'policy.create',
      summary: 'Create a policy',
      tags: ['policies'],
      schema: { params: VaultParams, body: NewPolicy },
      handler: async (request, reply) => {
        const { params, body } = partsOf<VaultParamsT, unknown, Static<typeof NewPolicy>>(request);
        const policy = await ctx.vaults.exclusive(params.vault, (v) => v.createPolicy(body));
        void reply.status(201);
        return policy;
      },
    },
    {
      method: 'PATCH',
      url: '/api/v1/vaults/:vault/policies/:item',
      permission: 'policy.manage',
      action: 'policy.update',
      summary: "Change a policy's retention or schedule (a reduction may need approval)",
      tags: ['policies'],
      schema: { params: VaultItemParams, body: PolicyChanges },
      handler: async (request) => {
        const { params, body } = partsOf<ItemParamsT, unknown, Static<typeof PolicyChanges>>(request);
        const vault = await ctx.vaults.get(params.vault);
        const current = (await vault.listPolicies()).find((p) => p.name === params.item);
        if (current === undefined) {
          throw new AmberError('INVALID_ARGUMENT', `Vault ${params.vault} has no policy named ${params.item}.`);
        }
        const { reason, ...changes } = body;
        // Rules refuse before approvals are asked for: an immutable vault refuses any reduction.
        const immutable = (await vault.showVault()).state !== 'disabled';
        if (!immutable && changes.retention !== undefined && reduces(current.retention, changes.retention)) {
          return guarded(ctx, request, {
            operation: 'retention.reduce',
            vault: params.vault,
            params: { policy: params.item, changes },
            ...(reason === undefined ? {} : { reason }),
          });
        }
        return ctx.vaults.exclusive(params.vault, (v) => v.updatePolicy(params.item, changes));
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/items',
      permission: 'vault.read',
      summary: 'List protected items with their agent, last and next backup',
      tags: ['items'],
      schema: { params: VaultParams },
      handler: async (request) => {
        const { vault } = partsOf<VaultParamsT>(request).params;
        const service = await ctx.vaults.get(vault);
        const [items, points, jobs] = await Promise.all([
          service.listItems(),
          service.listPoints(),
          ctx.jobs.list({ vault, limit: 1000 }),
        ]);
        return Promise.all(
          items.map(async (item) => {
            const own = points.filter((p) => p.item === item.name);
            const lastJob = jobs.find((j) => j.item === item.name && j.kind === 'backup');
            return {
              ...item,
              agent: (await ctx.catalog.agentOfItem(vault, item.name)) ?? null,
              points: own.length,
              lastBackupAt: own.at(-1)?.createdAt ?? null,
              lastJob:
                lastJob === undefined ? null : { id: lastJob.id, status: lastJob.status, message: lastJob.message },
              nextBackupAt: await ctx.scheduler.nextRunOf(vault, item.policy),
            };
          }),
        );
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/items',
      permission: 'item.manage',
      action: 'item.add',
      summary: 'Add a protected item (optionally assigned to an agent)',
      tags: ['items'],
      schema: { params: VaultParams, body: NewItem },
      handler: async (request, reply) => {
        const { params, body } = partsOf<VaultParamsT, unknown, Static<typeof NewItem>>(request);
        if (body.agent !== undefined) {
          const agent = await ctx.catalog.getAgent(body.agent);
          if (agent === undefined || agent.vault !== params.vault) {
            throw new AmberError('AGENT_NOT_FOUND', `Vault ${params.vault} has no agent named ${body.agent}.`);
          }
        }
        // Paths are the agent's, as given: the server must not resolve them against its own directory.
        const item = await ctx.vaults.exclusive(params.vault, (v) =>
          v.addItem({ name: body.name, policy: body.policy, paths: body.paths }),
        );
        if (body.agent !== undefined) await ctx.catalog.assignItem(params.vault, item.name, body.agent);
        void reply.status(201);
        return { ...item, agent: body.agent ?? null };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/items/:item/move',
      permission: 'item.manage',
      action: 'item.move',
      summary: 'Move an item to another policy',
      tags: ['items'],
      schema: { params: VaultItemParams, body: Type.Object({ policy: ItemName }, Strict) },
      handler: async (request) => {
        const { params, body } = partsOf<ItemParamsT, unknown, { policy: string }>(request);
        return ctx.vaults.exclusive(params.vault, (v) => v.moveItem(params.item, body.policy));
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/items/:item/stop',
      permission: 'item.stop',
      action: 'item.stop',
      summary: 'Stop protection, retaining or deleting the data',
      tags: ['items'],
      schema: { params: VaultItemParams, body: Type.Object({ deleteData: Type.Boolean() }, Strict) },
      handler: async (request) => {
        const { params, body } = partsOf<ItemParamsT, unknown, { deleteData: boolean }>(request);
        const principal = principalOf(request);
        if (body.deleteData && !roleHas(principal.role, 'item.delete-data')) {
          throw await refuse(
            ctx,
            request,
            'item.stop',
            `${principal.name} (role ${principal.role}) may stop protection only retaining the data: deleting it needs item.delete-data.`,
          );
        }
        return ctx.vaults.exclusive(params.vault, (v) => v.stopItem(params.item, body.deleteData));
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/items/:item/backup',
      permission: 'backup.run',
      action: 'backup.now',
      summary: 'Back up an item now (queues a job for its agent)',
      tags: ['items', 'jobs'],
      schema: { params: VaultItemParams },
      handler: async (request, reply) => {
        const { params } = partsOf<ItemParamsT>(request);
        const job = await queueBackup(ctx, params.vault, params.item, { trigger: 'manual' });
        void reply.status(202);
        return job;
      },
    },
  ];
}

/** True when `next` keeps any tier shorter than `current` does (or changes the kind). */
function reduces(current: RetentionPolicy, next: RetentionPolicy): boolean {
  if (current.kind === 'simple' && next.kind === 'simple') return next.keepDays < current.keepDays;
  if (current.kind === 'gfs' && next.kind === 'gfs') {
    return (['daily', 'weekly', 'monthly', 'yearly'] as const).some((tier) => next[tier] < current[tier]);
  }
  return true;
}
