import { Type, type Static } from 'typebox';
import { APPROVAL_STATUSES, PROTECTED_OPERATIONS, type ApprovalStatus } from '../../core/approval-rules.js';
import { roleHas, rolesWith } from '../../core/rbac.js';
import { partsOf, principalOf, type ApiRequest, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { actorName } from '../principal.js';
import { executeApproved, guarded } from './protected-operations.js';
import { IdParams, Strict, Text } from './schemas.js';

const Vote = Type.Object({ comment: Type.Optional(Text(1000)) }, Strict);
const SettingsPatch = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    requiredApprovals: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    operations: Type.Optional(
      Type.Array(Type.Union(PROTECTED_OPERATIONS.map((o) => Type.Literal(o))), { maxItems: 20 }),
    ),
    requestTtlMs: Type.Optional(Type.Integer({ minimum: 1 })),
    reason: Type.Optional(Text(500)),
  },
  Strict,
);
const NewRequest = Type.Object(
  {
    operation: Type.Union(PROTECTED_OPERATIONS.map((o) => Type.Literal(o))),
    vault: Type.Optional(Type.String({ maxLength: 64 })),
    params: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())),
    reason: Type.Optional(Text(500)),
  },
  Strict,
);

/** Multi-user authorization: settings, requests, votes (docs/approvals.md). */
export function approvalRoutes(ctx: ServerContext): RouteDef[] {
  const voter = (request: ApiRequest) => {
    const principal = principalOf(request);
    return { user: actorName(principal), holdsApprovalGrant: roleHas(principal.role, 'approval.grant') };
  };
  const approvers = async (): Promise<number> =>
    (await ctx.identity.listUsers()).filter((u) => !u.disabled && rolesWith('approval.grant').includes(u.role)).length;
  return [
    {
      method: 'GET',
      url: '/api/v1/approvals/settings',
      permission: 'approval.read',
      summary: 'Show the approval settings',
      tags: ['approvals'],
      handler: async () => ctx.approvals.settings(),
    },
    {
      method: 'PUT',
      url: '/api/v1/approvals/settings',
      permission: 'approval.configure',
      action: 'approvals.configure',
      summary: 'Change the approval settings (may itself need approval)',
      tags: ['approvals'],
      schema: { body: SettingsPatch },
      handler: async (request) => {
        const { body } = partsOf<unknown, unknown, Static<typeof SettingsPatch>>(request);
        const { reason, ...patch } = body;
        const outcome = await ctx.approvals.configure(patch, actorName(principalOf(request)), {
          eligibleApproverCount: await approvers(),
          ...(reason === undefined ? {} : { reason }),
        });
        if (outcome.kind === 'approval-required') {
          await ctx.auditPrepared(outcome.audit);
          throw outcome.error;
        }
        if (outcome.kind === 'applied') await ctx.auditPrepared(outcome.audit);
        return outcome.settings;
      },
    },
    {
      method: 'GET',
      url: '/api/v1/approvals',
      permission: 'approval.read',
      summary: 'List approval requests (newest first)',
      tags: ['approvals'],
      schema: {
        querystring: Type.Object(
          { status: Type.Optional(Type.Union(APPROVAL_STATUSES.map((s) => Type.Literal(s)))) },
          Strict,
        ),
      },
      handler: async (request) => {
        await expire(ctx);
        const { query } = partsOf<unknown, { status?: ApprovalStatus }>(request);
        return ctx.approvals.list(query.status === undefined ? {} : { status: query.status });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/approvals',
      permission: 'approval.request',
      summary: 'Request approval of a protected operation (the operation runs once approved)',
      tags: ['approvals'],
      schema: { body: NewRequest },
      handler: async (request) => {
        const { body } = partsOf<unknown, unknown, Static<typeof NewRequest>>(request);
        return guarded(ctx, request, {
          operation: body.operation,
          ...(body.vault === undefined ? {} : { vault: body.vault }),
          params: body.params ?? {},
          ...(body.reason === undefined ? {} : { reason: body.reason }),
        });
      },
    },
    {
      method: 'GET',
      url: '/api/v1/approvals/:id',
      permission: 'approval.read',
      summary: 'Show an approval request',
      tags: ['approvals'],
      schema: { params: IdParams },
      handler: async (request) => ctx.approvals.get(partsOf<{ id: string }>(request).params.id),
    },
    {
      method: 'POST',
      url: '/api/v1/approvals/:id/approve',
      permission: 'approval.grant',
      action: 'approval.approve',
      summary: 'Approve a request (never your own); the M-th approval runs the operation',
      tags: ['approvals'],
      schema: { params: IdParams, body: Vote },
      handler: async (request) => {
        const { params, body } = partsOf<{ id: string }, unknown, { comment?: string }>(request);
        const outcome = await auditedVote(ctx, request, () =>
          ctx.approvals.approve(params.id, voter(request), body.comment),
        );
        if (outcome.request.status !== 'approved') return outcome.request;
        return executeApproved(ctx, outcome.request, principalOf(request));
      },
    },
    {
      method: 'POST',
      url: '/api/v1/approvals/:id/reject',
      permission: 'approval.grant',
      action: 'approval.reject',
      summary: 'Reject a request',
      tags: ['approvals'],
      schema: { params: IdParams, body: Vote },
      handler: async (request) => {
        const { params, body } = partsOf<{ id: string }, unknown, { comment?: string }>(request);
        return (await auditedVote(ctx, request, () => ctx.approvals.reject(params.id, voter(request), body.comment)))
          .request;
      },
    },
    {
      method: 'POST',
      url: '/api/v1/approvals/:id/cancel',
      permission: 'approval.request',
      summary: 'Withdraw your own pending request',
      tags: ['approvals'],
      schema: { params: IdParams },
      handler: async (request) => {
        const { params } = partsOf<{ id: string }>(request);
        const outcome = await ctx.approvals.cancel(params.id, actorName(principalOf(request)));
        await ctx.auditPrepared(outcome.audit);
        return outcome.request;
      },
    },
  ];
}

/** Runs a vote; a refused vote (self-approval, expired, decided) is audited too. */
async function auditedVote<T extends { audit: Parameters<ServerContext['auditPrepared']>[0] }>(
  ctx: ServerContext,
  request: ApiRequest,
  vote: () => Promise<T>,
): Promise<T> {
  try {
    const outcome = await vote();
    await ctx.auditPrepared(outcome.audit);
    return outcome;
  } catch (error) {
    if (error instanceof Error && 'code' in error) {
      const { params } = partsOf<{ id: string }>(request);
      await ctx.audit({
        action: request.url.endsWith('/approve') ? 'approval.approve' : 'approval.reject',
        target: params.id,
        outcome: 'refused',
        code: String(error.code),
        message: error.message,
      });
    }
    throw error;
  }
}

/** Marks requests past their expiry as expired (and audits it). */
export async function expire(ctx: ServerContext): Promise<void> {
  const { audit } = await ctx.approvals.expireDue();
  for (const event of audit) await ctx.auditPrepared(event);
}
