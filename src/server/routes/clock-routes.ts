import { Type } from 'typebox';
import { partsOf, principalOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { actorName } from '../principal.js';
import { defineProtected, guarded } from './protected-operations.js';
import { Strict, Text } from './schemas.js';

/** The clock guard (DESIGN §2.4): status and acknowledgement of a clock jump. */
export function clockRoutes(ctx: ServerContext): RouteDef[] {
  defineProtected(ctx, 'clock.acknowledge', async (_vault, params) =>
    ctx.clockGuard.acknowledge(String(params['by']), String(params['note'])),
  );
  return [
    {
      method: 'GET',
      url: '/api/v1/clock',
      permission: 'clock.read',
      summary: 'Show the clock guard: accumulated jumps, tolerance, and whether expiry is frozen',
      tags: ['clock'],
      handler: async () => {
        await ctx.clockGuard.sample();
        return { ...(await ctx.clockGuard.status()), alerts: await ctx.clockGuard.alerts(10) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/clock/acknowledge',
      permission: 'clock.acknowledge',
      action: 'clock.acknowledge',
      summary: 'Acknowledge a clock alert: expiry resumes (may need approval)',
      tags: ['clock'],
      schema: { body: Type.Object({ note: Text(1000) }, Strict) },
      handler: async (request) => {
        const { body } = partsOf<unknown, unknown, { note: string }>(request);
        return guarded(ctx, request, {
          operation: 'clock.acknowledge',
          params: { by: actorName(principalOf(request)), note: body.note },
        });
      },
    },
  ];
}
