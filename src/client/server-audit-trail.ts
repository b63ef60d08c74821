import { toIso } from '../core/clock.js';
import type { AuditVerifyReport } from '../core/audit-chain.js';
import type { AuditFilter, StoredAuditEvent } from '../catalog/audit-event.js';
import type { ApiClient } from './api-client.js';

/** An audit filter as the API's query string (`since`/`until` in ISO-8601). */
export function auditQuery(filter: AuditFilter): Record<string, string | number | undefined> {
  return {
    afterSeq: filter.afterSeq,
    limit: filter.limit,
    actor: filter.actor,
    action: filter.action,
    outcome: filter.outcome,
    target: filter.target,
    since: filter.sinceAt === undefined ? undefined : toIso(filter.sinceAt),
    until: filter.untilAt === undefined ? undefined : toIso(filter.untilAt),
  };
}

/**
 * The vault server's own audit trail (sign-ins, users, tokens, agents, jobs, approvals, the clock
 * guard), as `amber audit … --server-trail` reads it; each vault's trail is VaultService.listAudit.
 */
export class ServerAuditTrail {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  listAudit(filter: AuditFilter = {}): Promise<StoredAuditEvent[]> {
    return this.#api.request('GET', '/api/v1/audit', { query: auditQuery(filter) });
  }

  verifyAudit(): Promise<AuditVerifyReport> {
    return this.#api.request('GET', '/api/v1/audit/verify');
  }
}
