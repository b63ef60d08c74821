import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import { createApp, type AppOptions } from './create-app.js';
import { defaultConsoleDir, mountConsole } from './console-static.js';
import { routeTable } from './route-table.js';
import { ServerContext } from './server-context.js';
import { expire } from './routes/approval-routes.js';
import { anchorAuditTrails } from './audit-anchoring.js';

export interface StartServerOptions extends AppOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly clock: Clock;
  readonly minCoolingOffMs?: number;
  readonly clockToleranceMs?: number;
  readonly clockSampleEveryMs?: number;
  /** How often the scheduler looks for due backups (default 15 s). */
  readonly schedulerEveryMs?: number;
  /** How often idle sessions end, approval requests expire and audit trails are anchored (default 60 s). */
  readonly housekeepingEveryMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly ctx: ServerContext;
  readonly app: FastifyInstance;
  /** Set on the first start of an empty data directory. */
  readonly bootstrap: BootstrapResult | undefined;
  close(): Promise<void>;
}

/** Opens the data directory, bootstraps it on first start, and serves the API with its background work. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const ctx = await ServerContext.open({
    dataDir: options.dataDir,
    clock: options.clock,
    ...(options.minCoolingOffMs === undefined ? {} : { minCoolingOffMs: options.minCoolingOffMs }),
    ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }),
    ...(options.clockSampleEveryMs === undefined ? {} : { clockSampleEveryMs: options.clockSampleEveryMs }),
  });
  const first = await bootstrap(ctx);
  // The web console (a Vite build in <package>/dist/console) is served at `/` unless the caller mounts other content.
  const mount = options.mount ?? (async (server: FastifyInstance) => mountConsole(server, await defaultConsoleDir()));
  const app = await createApp(ctx, routeTable(ctx), { ...options, mount });
  const log = (error: unknown): void => app.log.error({ err: error }, 'background task failed');
  // Approvals claimed by a server that stopped before recording the outcome are marked failed.
  for (const event of (await ctx.approvals.failInterrupted(0)).audit) await ctx.auditPrepared(event);
  await ctx.clockGuard.sample();
  const guard = ctx.clockGuard.start(log);
  ctx.scheduler.start(options.schedulerEveryMs ?? 15_000, log);
  const housekeeping = setInterval(() => {
    void ctx.sessions.sweep().catch(log);
    void expire(ctx).catch(log);
    void anchorAuditTrails(ctx).catch(log);
  }, options.housekeepingEveryMs ?? 60_000);
  housekeeping.unref();
  const address = await app.listen({ host: options.host, port: options.port });
  return {
    url: address,
    ctx,
    app,
    bootstrap: first,
    close: async () => {
      clearInterval(housekeeping);
      guard.stop();
      await anchorAuditTrails(ctx).catch(log);
      await app.close();
      await ctx.close();
    },
  };
}
