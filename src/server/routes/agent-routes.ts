import { randomBytes } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import { toIso } from '../../core/clock.js';
import { partsOf, principalOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { validateName } from '../identity-service.js';
import { jobView } from '../../catalog/job-view.js';
import { refuse } from '../agent-scope.js';
import { runAs } from '../request-context.js';
import { IdParams, Name, Strict, Text } from './schemas.js';

const Enrollment = Type.Object(
  { vault: Name, ttlHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30 })) },
  Strict,
);
const Register = Type.Object(
  { enrollToken: Type.String({ minLength: 10, maxLength: 200 }), name: Name, hostname: Text(255) },
  Strict,
);
const Progress = Type.Object(
  {
    filesDone: Type.Integer({ minimum: 0 }),
    filesTotal: Type.Integer({ minimum: 0 }),
    bytesDone: Type.Integer({ minimum: 0 }),
    bytesTotal: Type.Integer({ minimum: 0 }),
  },
  Strict,
);
const Finish = Type.Object(
  {
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    pointId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    files: Type.Optional(Type.Integer({ minimum: 0 })),
    bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    addedBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
    warnings: Type.Optional(Type.Integer({ minimum: 0 })),
    message: Type.Optional(Text(2000)),
  },
  Strict,
);

/** Agents: enrollment, registration, polling for jobs and reporting on them. */
export function agentRoutes(ctx: ServerContext): RouteDef[] {
  /** The job, if it is the calling agent's own. */
  const ownJob = async (request: Parameters<RouteDef['handler']>[0], id: string, action: string) => {
    const principal = principalOf(request);
    const job = await ctx.jobs.get(id);
    if (job === undefined) throw new AmberError('JOB_NOT_FOUND', `There is no job ${id}.`);
    if (job.agent !== principal.name)
      throw await refuse(ctx, request, action, `Job ${id} is not a job of agent ${principal.name}.`);
    return job;
  };
  return [
    {
      method: 'POST',
      url: '/api/v1/agents/enrollments',
      permission: 'agent.manage',
      summary: 'Create a one-time enrollment token for a new agent',
      tags: ['agents'],
      schema: { body: Enrollment },
      handler: async (request, reply) => {
        const { body } = partsOf<unknown, unknown, Static<typeof Enrollment>>(request);
        await ctx.vaults.record(body.vault);
        const token = await ctx.identity.issueToken({
          kind: 'enroll',
          principal: '',
          label: 'enrollment',
          vault: body.vault,
          ttlMs: (body.ttlHours ?? 24) * 3_600_000,
        });
        await ctx.audit({
          action: 'agent.enrollment',
          target: token.id,
          outcome: 'ok',
          message: `Enrollment token ${token.id} created for vault ${body.vault}.`,
        });
        void reply.status(201);
        return { id: token.id, token: token.secret, vault: body.vault, expiresAt: toIso(token.expiresAt ?? 0) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/agents/register',
      permission: 'public',
      summary: 'Register an agent with an enrollment token; returns its agent token and key passphrase',
      tags: ['agents'],
      schema: { body: Register },
      handler: async (request, reply) => {
        const { body } = partsOf<unknown, unknown, Static<typeof Register>>(request);
        validateName('agent', body.name);
        if (await ctx.catalog.getAgent(body.name)) {
          throw new AmberError('AGENT_EXISTS', `An agent named ${body.name} is already registered.`);
        }
        const { vault } = await ctx.identity.consumeEnrollment(body.enrollToken);
        // The agent gets a key envelope of its own: revocable without touching anybody else's.
        const keyPassphrase = randomBytes(32).toString('base64url');
        const asAgent = {
          kind: 'agent' as const,
          name: body.name,
          role: 'agent' as const,
          tokenId: '',
          vault,
          readOnly: false,
        };
        const key = await runAs(asAgent, () =>
          ctx.vaults.exclusive(vault, (v) => v.addKey(keyPassphrase, `agent:${body.name}`)),
        );
        await ctx.catalog.addAgent({
          name: body.name,
          vault,
          hostname: body.hostname,
          created_at: ctx.clock.nowMs(),
          last_seen_at: null,
          key_id: key.id,
        });
        const token = await ctx.identity.issueToken({
          kind: 'agent',
          principal: body.name,
          label: 'agent',
          ttlMs: null,
        });
        await ctx.audit({
          actor: `agent:${body.name}`,
          action: 'agent.register',
          target: body.name,
          outcome: 'ok',
          message: `Agent ${body.name} on ${body.hostname} registered in vault ${vault} (key envelope ${key.id}).`,
        });
        void reply.status(201);
        return { agent: body.name, vault, token: token.secret, keyPassphrase, keyId: key.id };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/agents',
      permission: 'vault.read',
      summary: 'List agents',
      tags: ['agents'],
      handler: async () =>
        Promise.all(
          (await ctx.catalog.listAgents()).map(async (agent) => ({
            name: agent.name,
            vault: agent.vault,
            hostname: agent.hostname,
            createdAt: agent.created_at,
            lastSeenAt: agent.last_seen_at,
            items: (await ctx.catalog.itemsOfAgent(agent.name)).map((i) => i.item),
          })),
        ),
    },
    {
      method: 'POST',
      url: '/api/v1/agents/me/hello',
      permission: 'job.report',
      summary: 'An agent (re)starts: its jobs left running go back to the queue',
      tags: ['agents'],
      handler: async (request) => {
        const principal = principalOf(request);
        await ctx.catalog.touchAgent(principal.name, ctx.clock.nowMs());
        const requeued = await ctx.jobs.requeueRunning(principal.name);
        return { agent: principal.name, vault: principal.vault, requeued };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/agents/me/jobs/claim',
      permission: 'job.report',
      summary: "Claim the agent's next queued job (204 when there is none)",
      tags: ['agents', 'jobs'],
      handler: async (request, reply) => {
        const principal = principalOf(request);
        const now = ctx.clock.nowMs();
        await ctx.catalog.touchAgent(principal.name, now);
        const job = await ctx.jobs.claimNext(principal.name, now);
        if (job === undefined) return reply.status(204).send();
        const items = await (await ctx.vaults.get(job.vault)).listItems();
        return { ...jobView(job), paths: items.find((i) => i.name === job.item)?.paths ?? [] };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/jobs/:id/progress',
      permission: 'job.report',
      summary: 'Report the progress of a running job',
      tags: ['jobs'],
      schema: { params: IdParams, body: Progress },
      handler: async (request) => {
        const { params, body } = partsOf<{ id: string }, unknown, Static<typeof Progress>>(request);
        const job = await ownJob(request, params.id, 'job.progress');
        if (job.status !== 'running')
          throw new AmberError('INVALID_ARGUMENT', `Job ${job.id} is ${job.status}, not running.`);
        await ctx.jobs.update(job.id, { progress: JSON.stringify(body) });
        return { id: job.id };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/jobs/:id/finish',
      permission: 'job.report',
      summary: 'Report how a job ended',
      tags: ['jobs'],
      schema: { params: IdParams, body: Finish },
      handler: async (request) => {
        const { params, body } = partsOf<{ id: string }, unknown, Static<typeof Finish>>(request);
        const job = await ownJob(request, params.id, 'job.finish');
        if (job.status !== 'running')
          throw new AmberError('INVALID_ARGUMENT', `Job ${job.id} is ${job.status}, not running.`);
        await ctx.jobs.update(job.id, {
          status: body.status,
          finished_at: ctx.clock.nowMs(),
          point_id: body.pointId ?? null,
          files: body.files ?? null,
          bytes: body.bytes ?? null,
          added_bytes: body.addedBytes ?? null,
          duration_ms: body.durationMs ?? null,
          warnings: body.warnings ?? null,
          message: body.message ?? null,
        });
        await ctx.audit({
          action: `job.${body.status === 'succeeded' ? 'succeed' : 'fail'}`,
          target: job.id,
          outcome: body.status === 'succeeded' ? 'ok' : 'failed',
          message: `${job.kind === 'backup' ? 'Backup' : 'Restore'} of ${job.item} ${body.status}${body.message === undefined ? '' : `: ${body.message}`}.`,
          details: { vault: job.vault, item: job.item, ...(body.pointId === undefined ? {} : { point: body.pointId }) },
        });
        return jobView((await ctx.jobs.get(job.id)) ?? job);
      },
    },
    {
      method: 'GET',
      url: '/api/v1/jobs',
      permission: 'job.read',
      summary: 'Job history (newest first)',
      tags: ['jobs'],
      schema: {
        querystring: Type.Object(
          {
            vault: Type.Optional(Name),
            item: Type.Optional(Type.String({ maxLength: 128 })),
            status: Type.Optional(
              Type.Union(['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => Type.Literal(s))),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          Strict,
        ),
      },
      handler: async (request) => {
        const { query } = partsOf<unknown, { vault?: string; item?: string; status?: 'queued'; limit?: number }>(
          request,
        );
        return (await ctx.jobs.list(query)).map(jobView);
      },
    },
    {
      method: 'GET',
      url: '/api/v1/jobs/:id',
      permission: 'job.read',
      summary: 'Show a job',
      tags: ['jobs'],
      schema: { params: IdParams },
      handler: async (request) => {
        const { params } = partsOf<{ id: string }>(request);
        const job = await ctx.jobs.get(params.id);
        if (job === undefined) throw new AmberError('JOB_NOT_FOUND', `There is no job ${params.id}.`);
        return jobView(job);
      },
    },
  ];
}
