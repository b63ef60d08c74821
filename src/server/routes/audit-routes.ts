import { Type, type Static } from 'typebox';
import type { AuditFilter } from '../../catalog/audit-event.js';
import { parseIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import { partsOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { Strict, VaultParams } from './schemas.js';
import { auditCsv, auditJsonRecord } from '../../catalog/audit-export.js';
import type { StoredAuditEvent } from '../../catalog/audit-event.js';
import { serverTrailAnchors } from '../audit-anchoring.js';

const Filter = Type.Object(
  {
    afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    actor: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('failed')])),
    target: Type.Optional(Type.String({ maxLength: 200 })),
    since: Type.Optional(Type.String({ maxLength: 40 })),
    until: Type.Optional(Type.String({ maxLength: 40 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonl'), Type.Literal('csv')])),
  },
  Strict,
);
type FilterT = Static<typeof Filter>;

function instant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIso(text);
  if (ms === undefined) throw new AmberError('INVALID_ARGUMENT', `"${text}" is not an ISO-8601 time.`);
  return ms;
}

function toFilter(query: FilterT): AuditFilter {
  const sinceAt = instant(query.since);
  const untilAt = instant(query.until);
  return {
    ...(query.target === undefined ? {} : { target: query.target }),
    ...(untilAt === undefined ? {} : { untilAt }),
    ...(query.afterSeq === undefined ? {} : { afterSeq: query.afterSeq }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.actor === undefined ? {} : { actor: query.actor }),
    ...(query.action === undefined ? {} : { action: query.action }),
    ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
    ...(sinceAt === undefined ? {} : { sinceAt }),
  };
}

function render(events: StoredAuditEvent[], format: FilterT['format'], reply: Parameters<RouteDef['handler']>[1]) {
  if (format === 'csv') {
    void reply.type('text/csv; charset=utf-8');
    return auditCsv(events);
  }
  if (format === 'jsonl') {
    void reply.type('application/x-ndjson');
    return events.map(auditJsonRecord).join('');
  }
  return events;
}

/** The audit trails: the server's (identity, approvals, jobs, clock) and each vault's. */
export function auditRoutes(ctx: ServerContext): RouteDef[] {
  return [
    {
      method: 'GET',
      url: '/api/v1/audit',
      permission: 'audit.read',
      summary: "List or export the server's audit trail (format json, jsonl or csv)",
      tags: ['audit'],
      schema: { querystring: Filter },
      handler: async (request, reply) => {
        const { query } = partsOf<unknown, FilterT>(request);
        return render(await ctx.auditLog.list(toFilter(query)), query.format, reply);
      },
    },
    {
      method: 'GET',
      url: '/api/v1/audit/verify',
      permission: 'audit.read',
      summary: "Verify the server's audit hash chain against its anchors in the vaults' storage",
      tags: ['audit'],
      handler: async () => ctx.auditLog.verify(await serverTrailAnchors(ctx)),
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/audit',
      permission: 'audit.read',
      summary: "List or export a vault's audit trail",
      tags: ['audit'],
      schema: { params: VaultParams, querystring: Filter },
      handler: async (request, reply) => {
        const { params, query } = partsOf<{ vault: string }, FilterT>(request);
        return render(await (await ctx.vaults.get(params.vault)).listAudit(toFilter(query)), query.format, reply);
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/audit/verify',
      permission: 'audit.read',
      summary: "Verify a vault's audit hash chain against the anchors in its storage",
      tags: ['audit'],
      schema: { params: VaultParams },
      handler: async (request) =>
        (await ctx.vaults.get(partsOf<{ vault: string }>(request).params.vault)).verifyAudit(),
    },
  ];
}
