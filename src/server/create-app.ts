import fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { AmberError } from '../core/errors.js';
import { roleHas } from '../core/rbac.js';
import { toHttpError } from './http-errors.js';
import { runAs } from './request-context.js';
import type { ApiRequest, RouteDef } from './route-def.js';
import type { ServerContext } from './server-context.js';
import { renderMetrics } from './metrics.js';

export interface AppOptions {
  readonly logLevel?: string;
  readonly https?: { readonly key: Buffer; readonly cert: Buffer };
  /** Extra static content (the console) mounted at `/`. */
  readonly mount?: (app: FastifyInstance) => Promise<void>;
}

const JSON_BODY_LIMIT = 1024 * 1024;
/** What a read-only token may still do besides reading: end its own session. */
const READ_ONLY_ALLOWED = new Set(['/api/v1/auth/logout']);

/**
 * The HTTP adapter: Fastify with JSON-schema validation (unknown fields rejected, sizes bounded),
 * bearer-token authentication, the permission of each route checked before its handler, one error
 * mapping, OpenAPI at /api/docs, Prometheus metrics at /metrics and /healthz.
 */
export async function createApp(ctx: ServerContext, routes: readonly RouteDef[], options: AppOptions = {}) {
  const app = fastify({
    logger: { level: options.logLevel ?? 'info', redact: ['req.headers.authorization'] },
    bodyLimit: JSON_BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Amber vault server API', version: '1', description: 'Immutable vaults, over HTTP.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    ctx.metrics.countError(body.error.code);
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `There is no endpoint ${request.method} ${request.url}.` } });
  });
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.countRequest(
      request.routeOptions.url ?? 'unknown',
      request.method,
      reply.statusCode,
      reply.elapsedTime,
    );
  });

  app.get('/healthz', { schema: { hide: true } }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.type('text/plain; version=0.0.4');
    return renderMetrics(ctx);
  });
  for (const route of routes) registerRoute(app, ctx, route);
  if (options.mount !== undefined) await options.mount(app);
  return app;
}

function registerRoute(app: FastifyInstance, ctx: ServerContext, route: RouteDef): void {
  app.route({
    method: route.method,
    url: route.url,
    ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }),
    schema: {
      summary: route.summary,
      description: `Permission: ${route.permission}`,
      tags: [...route.tags],
      ...(route.permission === 'public' ? { security: [] } : {}),
      ...(route.schema ?? {}),
    },
    preValidation: async (request: ApiRequest) => {
      // A body whose fields are all optional may be left out entirely.
      if (request.body === undefined && route.schema?.body !== undefined) request.body = {};
      if (route.permission === 'public') return;
      const header = request.headers.authorization;
      const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
      if (match === null) {
        throw new AmberError('UNAUTHENTICATED', 'This endpoint needs a token: send "Authorization: Bearer <token>".');
      }
      request.principal = await ctx.identity.authenticate(match[1] as string);
      if (
        request.principal.readOnly &&
        route.method !== 'GET' &&
        route.method !== 'HEAD' &&
        !READ_ONLY_ALLOWED.has(route.url)
      ) {
        const error = new AmberError(
          'PERMISSION_DENIED',
          `The token ${request.principal.tokenId} is read-only; ${route.summary.toLowerCase()} needs a full token.`,
          { details: { tokenId: request.principal.tokenId } },
        );
        await runAs(request.principal, () => ctx.recordRefusal(request, route.action ?? route.permission, error));
        throw error;
      }
      if (route.permission !== 'authenticated' && !roleHas(request.principal.role, route.permission)) {
        const error = new AmberError(
          'PERMISSION_DENIED',
          `${request.principal.kind === 'agent' ? 'Agent' : 'User'} ${request.principal.name} (role ${request.principal.role}) may not ${route.summary.toLowerCase()}: it needs the permission ${route.permission}.`,
          { details: { permission: route.permission, role: request.principal.role } },
        );
        await runAs(request.principal, () => ctx.recordRefusal(request, route.action ?? route.permission, error));
        throw error;
      }
    },
    handler: async (request: ApiRequest, reply: FastifyReply) =>
      runAs(request.principal, () => route.handler(request, reply)),
  });
}
