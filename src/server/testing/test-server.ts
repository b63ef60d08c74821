import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../core/testing/fake-clock.js';
import { makeTempRoot, removeTempRoot } from '../../storage/testing/temp-root.js';
import { bootstrap } from '../bootstrap.js';
import { createApp } from '../create-app.js';
import { routeTable } from '../route-table.js';
import { ServerContext } from '../server-context.js';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly ctx: ServerContext;
  readonly clock: FakeClock;
  readonly adminToken: string;
  /** Calls the API in-process (no socket): JSON in, status and parsed JSON out. */
  call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** A bootstrapped server over a temporary data directory and a FakeClock, for fast in-process tests. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = await makeTempRoot('server-test');
  const clock = new FakeClock();
  const ctx = await ServerContext.open({ dataDir, clock });
  const first = await bootstrap(ctx);
  if (first === undefined) throw new Error('a new data directory must bootstrap');
  const app = await createApp(ctx, routeTable(ctx), { logLevel: 'silent' });
  return {
    app,
    ctx,
    clock,
    adminToken: first.adminToken,
    call: async (method, url, options = {}) => {
      const response = await app.inject({
        method,
        url,
        headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
        ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
      });
      const text = response.body;
      return { status: response.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as never };
    },
    close: async () => {
      await app.close();
      await ctx.close();
      await removeTempRoot(dataDir);
    },
  };
}
