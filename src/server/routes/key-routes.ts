import { Type } from 'typebox';
import { partsOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { defineProtected, guarded } from './protected-operations.js';
import { Strict, Text, VaultParams } from './schemas.js';

/** Key envelopes of a vault (each wraps the same master key with another passphrase). */
export function keyRoutes(ctx: ServerContext): RouteDef[] {
  defineProtected(ctx, 'key.remove', async (vault, params) => {
    await ctx.vaults.exclusive(vault ?? '', (v) => v.removeKey(String(params['key'])));
    return { removed: params['key'] };
  });
  return [
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/keys',
      permission: 'key.manage',
      summary: 'List key envelopes',
      tags: ['keys'],
      schema: { params: VaultParams },
      handler: async (request) => (await ctx.vaults.get(partsOf<{ vault: string }>(request).params.vault)).listKeys(),
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/keys',
      permission: 'key.manage',
      action: 'key.add',
      summary: 'Add a key envelope for another passphrase',
      tags: ['keys'],
      schema: {
        params: VaultParams,
        body: Type.Object({ passphrase: Type.String({ minLength: 8, maxLength: 1024 }), label: Text(200) }, Strict),
      },
      handler: async (request, reply) => {
        const { params, body } = partsOf<{ vault: string }, unknown, { passphrase: string; label: string }>(request);
        const key = await ctx.vaults.exclusive(params.vault, (v) => v.addKey(body.passphrase, body.label));
        void reply.status(201);
        return key;
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/vaults/:vault/keys/:id',
      permission: 'key.manage',
      action: 'key.remove',
      summary: 'Remove a key envelope (never the last one)',
      tags: ['keys'],
      schema: {
        params: Type.Object({ vault: VaultParams.properties.vault, id: Type.String({ maxLength: 80 }) }, Strict),
      },
      handler: async (request) => {
        const { params } = partsOf<{ vault: string; id: string }>(request);
        return guarded(ctx, request, { operation: 'key.remove', vault: params.vault, params: { key: params.id } });
      },
    },
  ];
}
