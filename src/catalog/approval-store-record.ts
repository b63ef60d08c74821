import type { Kysely, Selectable } from 'kysely';
import {
  isApprovalId,
  isApprovalStatus,
  isProtectedOperation,
  type ApprovalRequest,
  type ApprovalVote,
  type ProtectedOperation,
} from '../core/approval-rules.js';
import { AmberError } from '../core/errors.js';
import type { ApprovalsTable, ApprovalTables, ApprovalVotesTable } from './approval-store-tables.js';

type Db = Kysely<ApprovalTables>;

/** Ids per `in (...)` list, far below SQLite's variable limit. */
export const ID_BATCH = 500;

export type ApprovalRow = Selectable<ApprovalsTable>;
export type ApprovalVoteRow = Selectable<ApprovalVotesTable>;

/**
 * JSON with object keys sorted at every level, so two equal values serialize to the same text (the
 * store compares params as text to find a pending request for the same thing).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  });
}

/** A stored request as the domain sees it; a row this Amber cannot read is a CATALOG_ERROR. */
export function fromApprovalRow(row: ApprovalRow, votes: readonly ApprovalVoteRow[]): ApprovalRequest {
  const { id, operation, status } = row;
  if (!isApprovalId(id) || !isProtectedOperation(operation) || !isApprovalStatus(status)) {
    throw new AmberError(
      'CATALOG_ERROR',
      `The catalog holds an approval request this Amber cannot read (id ${id}, operation ${operation}, status ${status}); it was written by another version.`,
      { details: { approvalId: id, operation, status } },
    );
  }
  return {
    id,
    operation,
    ...(row.vault === null ? {} : { vault: row.vault }),
    params: JSON.parse(row.params) as Record<string, unknown>,
    summary: row.summary,
    requester: row.requester,
    ...(row.reason === null ? {} : { reason: row.reason }),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status,
    required: row.required,
    votes: votes.map(fromVoteRow),
    ...(row.decided_at === null ? {} : { decidedAt: row.decided_at }),
    ...(row.claimed_at === null ? {} : { claimedAt: row.claimed_at }),
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as unknown }),
  };
}

function fromVoteRow(row: ApprovalVoteRow): ApprovalVote {
  return {
    voter: row.voter,
    decision: row.decision,
    at: row.at,
    ...(row.comment === null ? {} : { comment: row.comment }),
  };
}

/** What makes two requests "the same thing": who asks for which operation on what. */
export interface ApprovalKey {
  readonly requester: string;
  readonly operation: ProtectedOperation;
  readonly vault?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export async function findPendingRow(db: Db, key: ApprovalKey, nowMs: number): Promise<ApprovalRow | undefined> {
  let query = db
    .selectFrom('approvals')
    .selectAll()
    .where('requester', '=', key.requester)
    .where('operation', '=', key.operation)
    .where('status', '=', 'pending')
    .where('expires_at', '>', nowMs)
    .where('params', '=', canonicalJson(key.params));
  query = key.vault === undefined ? query.where('vault', 'is', null) : query.where('vault', '=', key.vault);
  return query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function withVotes(db: Db, row: ApprovalRow): Promise<ApprovalRequest> {
  const [request] = await withVotesAll(db, [row]);
  if (request === undefined) throw new AmberError('INTERNAL', `Approval request ${row.id} vanished while it was read.`);
  return request;
}

export async function withVotesAll(db: Db, rows: readonly ApprovalRow[]): Promise<ApprovalRequest[]> {
  const votesById = new Map<string, ApprovalVoteRow[]>();
  for (let start = 0; start < rows.length; start += ID_BATCH) {
    const ids = rows.slice(start, start + ID_BATCH).map((row) => row.id);
    const votes = await db
      .selectFrom('approval_votes')
      .selectAll()
      .where('approval_id', 'in', ids)
      .orderBy('at')
      .orderBy('voter')
      .execute();
    for (const vote of votes) {
      const list = votesById.get(vote.approval_id);
      if (list === undefined) votesById.set(vote.approval_id, [vote]);
      else list.push(vote);
    }
  }
  return rows.map((row) => fromApprovalRow(row, votesById.get(row.id) ?? []));
}
