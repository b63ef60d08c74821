import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import { partsOf, principalOf, type RouteDef, type ApiRequest } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { assertAgentVault, assertOwnItem, refuse } from '../agent-scope.js';
import { roleHas } from '../../core/rbac.js';
import { defineProtected, guarded } from './protected-operations.js';
import { queueRestore } from '../job-service.js';
import { ItemName, Name, Strict, Text, VaultParams, VaultRefParams } from './schemas.js';
import type { PointRow } from '../../catalog/point-row.js';

type RefParams = { vault: string; ref: string };
const ItemQuery = Type.Object({ item: Type.Optional(ItemName) }, Strict);
const RestoreJob = Type.Object(
  {
    agent: Type.Optional(Name),
    target: Type.String({ pattern: '^/', maxLength: 4096 }),
    includes: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 })),
  },
  Strict,
);

/** Recovery points: list, browse, delete, legal holds, restore jobs. */
export function pointRoutes(ctx: ServerContext): RouteDef[] {
  defineProtected(ctx, 'point.delete-bypass-governance', async (vault, params, approved) => ({
    id: await ctx.vaults.exclusive(vault ?? '', (v) =>
      v.deletePoint(String(params['point']), { bypassGovernance: true, approved }),
    ),
  }));
  defineProtected(ctx, 'legal-hold.release', async (vault, params) => ({
    id: await ctx.vaults.exclusive(vault ?? '', (v) => v.releaseLegalHold(String(params['point']))),
  }));

  /** Resolves a point; agents only see their own items' points. */
  const resolve = async (request: ApiRequest, action: string): Promise<PointRow> => {
    const { params, query } = partsOf<RefParams, { item?: string }>(request);
    await assertAgentVault(ctx, request, action, params.vault);
    const point = await (await ctx.vaults.get(params.vault)).resolvePoint(params.ref, query.item);
    await assertOwnItem(ctx, request, action, params.vault, point.item);
    return point;
  };

  return [
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/points',
      permission: 'point.read',
      summary: 'List recovery points',
      tags: ['points'],
      schema: { params: VaultParams, querystring: ItemQuery },
      handler: async (request) => {
        const { params, query } = partsOf<{ vault: string }, { item?: string }>(request);
        await assertAgentVault(ctx, request, 'point.list', params.vault);
        const points = await (
          await ctx.vaults.get(params.vault)
        ).listPoints(query.item === undefined ? {} : { item: query.item });
        const principal = principalOf(request);
        if (principal.kind !== 'agent') return points;
        const own = new Set((await ctx.catalog.itemsOfAgent(principal.name)).map((i) => i.item));
        return points.filter((p) => own.has(p.item));
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/points/:ref',
      permission: 'point.read',
      summary: 'Show a recovery point (id, unique prefix or latest)',
      tags: ['points'],
      schema: { params: VaultRefParams, querystring: ItemQuery },
      handler: async (request) => resolve(request, 'point.read'),
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/points/:ref/files',
      permission: 'point.read',
      summary: 'List the files of a recovery point',
      tags: ['points'],
      schema: {
        params: VaultRefParams,
        querystring: Type.Object({ path: Type.Optional(Type.String({ maxLength: 4096 })) }, Strict),
      },
      handler: async (request) => {
        const point = await resolve(request, 'point.read');
        const { params, query } = partsOf<RefParams, { path?: string }>(request);
        return (await ctx.vaults.get(params.vault)).listFiles(point.id, query.path);
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/vaults/:vault/points/:ref',
      permission: 'point.delete',
      action: 'point.delete',
      summary: 'Delete a recovery point (refused while retained, locked or held)',
      tags: ['points'],
      schema: {
        params: VaultRefParams,
        querystring: Type.Object({ bypassGovernance: Type.Optional(Type.Boolean()) }, Strict),
      },
      handler: async (request) => {
        const { params, query } = partsOf<RefParams, { bypassGovernance?: boolean }>(request);
        const vault = await ctx.vaults.get(params.vault);
        const point = await vault.resolvePoint(params.ref);
        if (query.bypassGovernance === true) {
          const principal = principalOf(request);
          if (!roleHas(principal.role, 'point.delete-bypass-governance')) {
            throw await refuse(ctx, request, 'point.delete', `${principal.name} may not bypass governance locks.`);
          }
          return guarded(ctx, request, {
            operation: 'point.delete-bypass-governance',
            vault: params.vault,
            params: { point: point.id },
          });
        }
        // Expiry is frozen after a clock jump: a point "expired" by a moved clock must not go.
        if (point.retainUntil <= ctx.clock.nowMs()) await ctx.clockGuard.assertExpiryAllowed();
        return {
          id: await ctx.vaults.exclusive(params.vault, (v) => v.deletePoint(point.id, { bypassGovernance: false })),
        };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/points/:ref/hold',
      permission: 'point.read',
      summary: 'Show the legal hold of a recovery point: its reason and since when',
      tags: ['points'],
      schema: { params: VaultRefParams },
      handler: async (request) => {
        const point = await resolve(request, 'point.read');
        const hold = await (await ctx.vaults.get(partsOf<RefParams>(request).params.vault)).legalHoldOf(point.id);
        return hold === undefined ? { held: false } : { held: true, reason: hold.reason, setAt: hold.setAt };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/points/:ref/hold',
      permission: 'hold.manage',
      action: 'hold.set',
      summary: 'Set a legal hold on a recovery point',
      tags: ['points'],
      schema: { params: VaultRefParams, body: Type.Object({ reason: Text(500) }, Strict) },
      handler: async (request) => {
        const { params, body } = partsOf<RefParams, unknown, { reason: string }>(request);
        return { id: await ctx.vaults.exclusive(params.vault, (v) => v.setLegalHold(params.ref, body.reason)) };
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/vaults/:vault/points/:ref/hold',
      permission: 'hold.manage',
      action: 'hold.release',
      summary: 'Release the legal hold of a recovery point',
      tags: ['points'],
      schema: { params: VaultRefParams },
      handler: async (request) => {
        const { params } = partsOf<RefParams>(request);
        const point = await (await ctx.vaults.get(params.vault)).resolvePoint(params.ref);
        return guarded(ctx, request, {
          operation: 'legal-hold.release',
          vault: params.vault,
          params: { point: point.id },
        });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/points/:ref/restore',
      permission: 'restore.run',
      action: 'restore.queue',
      summary: "Restore a point onto an agent's host (queues a restore job)",
      tags: ['points', 'jobs'],
      schema: { params: VaultRefParams, body: RestoreJob },
      handler: async (request, reply) => {
        const { params, body } = partsOf<RefParams, unknown, Static<typeof RestoreJob>>(request);
        const point = await (await ctx.vaults.get(params.vault)).resolvePoint(params.ref);
        if (body.includes?.some((p) => p.includes('\0')))
          throw new AmberError('INVALID_ARGUMENT', 'A path holds a NUL byte.');
        const job = await queueRestore(ctx, {
          vault: params.vault,
          item: point.item,
          pointId: point.id,
          ...(body.agent === undefined ? {} : { agent: body.agent }),
          target: body.target,
          includes: body.includes ?? [],
        });
        void reply.status(202);
        return job;
      },
    },
  ];
}
