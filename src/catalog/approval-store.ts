import { sql, type Kysely } from 'kysely';
import {
  decideCancel,
  decideVote,
  type ApprovalId,
  type ApprovalRequest,
  type ApprovalStatus,
  type ProtectedOperation,
  type VoteDecision,
  type Voter,
} from '../core/approval-rules.js';
import { AmberError } from '../core/errors.js';
import { refusalToError } from '../core/immutability/decision.js';
import { toCatalogError } from './catalog-error.js';
import {
  canonicalJson,
  findPendingRow,
  ID_BATCH,
  withVotes,
  withVotesAll,
  type ApprovalKey,
} from './approval-store-record.js';
import type { ApprovalTables } from './approval-store-tables.js';

export { createApprovalTables, type ApprovalTables } from './approval-store-tables.js';
export { canonicalJson, type ApprovalKey } from './approval-store-record.js';

/** A request to store; the service has validated it. */
export interface NewApproval {
  readonly id: ApprovalId;
  readonly operation: ProtectedOperation;
  readonly vault?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly summary: string;
  readonly requester: string;
  readonly reason?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly required: number;
}

export interface ApprovalFilter {
  /** Effective status: `pending` leaves out requests past their expiry, `expired` includes them. */
  readonly status?: ApprovalStatus;
  readonly requester?: string;
  readonly operation?: ProtectedOperation;
  readonly vault?: string;
  /** At most this many, newest first (default 1000). */
  readonly limit?: number;
}

export interface StoredApprovalSettings {
  /** The stored JSON, to be parsed by parseApprovalSettings. */
  readonly settings: unknown;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export interface VoteResult {
  readonly request: ApprovalRequest;
  /** This vote was the M-th approval: the request turned approved now, and only this caller sees true. */
  readonly becameApproved: boolean;
}

type Db = Kysely<ApprovalTables>;

const DEFAULT_LIST_LIMIT = 1000;

/**
 * Approval requests, votes and settings in a catalog (SQLite through Kysely). Every state change runs
 * in one `BEGIN IMMEDIATE` transaction or as one conditional UPDATE, so concurrent voters — also in
 * other processes on the same catalog — cannot both cast the M-th approval, and only one caller claims
 * a request for execution. SQLite failures surface as CATALOG_ERROR with the foreign error as `cause`.
 */
export class ApprovalStore {
  readonly #db: Db;
  readonly #label: string;

  /** `label` names the catalog in error messages (its file). */
  constructor(db: Db, label = 'of approvals') {
    this.#db = db;
    this.#label = label;
  }

  async readSettings(): Promise<StoredApprovalSettings | undefined> {
    const row = await this.#run('read the approval settings', (db) =>
      db.selectFrom('approval_settings').selectAll().where('id', '=', 1).executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return { settings: JSON.parse(row.settings) as unknown, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async writeSettings(settings: object, atMs: number, by: string): Promise<void> {
    const values = { settings: canonicalJson(settings), updated_at: atMs, updated_by: by };
    await this.#run('write the approval settings', (db) =>
      db
        .insertInto('approval_settings')
        .values({ id: 1, ...values })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
        .execute(),
    );
  }

  /** Stores `approval`, unless its requester has a pending, unexpired request for the same thing: that one is returned. */
  async create(approval: NewApproval, nowMs: number): Promise<{ request: ApprovalRequest; reused: boolean }> {
    return this.#write(`create approval request ${approval.id}`, async (db) => {
      const existing = await findPendingRow(db, approval, nowMs);
      if (existing !== undefined) return { request: await withVotes(db, existing), reused: true };
      await db
        .insertInto('approvals')
        .values({
          id: approval.id,
          operation: approval.operation,
          vault: approval.vault ?? null,
          params: canonicalJson(approval.params),
          summary: approval.summary,
          requester: approval.requester,
          reason: approval.reason ?? null,
          created_at: approval.createdAt,
          expires_at: approval.expiresAt,
          status: 'pending',
          required: approval.required,
          result: null,
          decided_at: null,
          claimed_at: null,
          finished_at: null,
        })
        .execute();
      return { request: await this.#getIn(db, approval.id), reused: false };
    });
  }

  /** The requester's pending, unexpired request for the same operation, vault and params, if any. */
  async findPending(key: ApprovalKey, nowMs: number): Promise<ApprovalRequest | undefined> {
    return this.#run('look for a pending approval request', async (db) => {
      const row = await findPendingRow(db, key, nowMs);
      return row === undefined ? undefined : withVotes(db, row);
    });
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    return this.#run(`read approval request ${id}`, async (db) => {
      const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : withVotes(db, row);
    });
  }

  /** Requests matching `filter`, newest first. */
  async list(filter: ApprovalFilter, nowMs: number): Promise<ApprovalRequest[]> {
    return this.#run('list approval requests', async (db) => {
      let query = db.selectFrom('approvals').selectAll();
      const { status } = filter;
      if (status === 'pending') query = query.where('status', '=', 'pending').where('expires_at', '>', nowMs);
      else if (status === 'expired') {
        query = query.where((eb) =>
          eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', nowMs)])]),
        );
      } else if (status !== undefined) query = query.where('status', '=', status);
      if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
      if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
      if (filter.vault !== undefined) query = query.where('vault', '=', filter.vault);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? DEFAULT_LIST_LIMIT)
        .execute();
      return withVotesAll(db, rows);
    });
  }

  /**
   * Records `voter`'s decision if the rules of core/approval-rules allow it (else throws their
   * refusal, changing nothing). The M-th approval turns the request approved; a rejection ends it.
   */
  async vote(
    id: string,
    voter: Voter,
    decision: VoteDecision,
    comment: string | undefined,
    nowMs: number,
  ): Promise<VoteResult> {
    return this.#write(`record a vote on approval request ${id}`, async (db) => {
      const request = await this.#getIn(db, id);
      const outcome = decideVote(request, voter, decision, nowMs);
      if (!outcome.allowed) throw refusalToError(outcome);
      await db
        .insertInto('approval_votes')
        .values({ approval_id: id, voter: voter.user, decision, at: nowMs, comment: comment ?? null })
        .execute();
      let becameApproved = false;
      if (outcome.status !== 'pending') {
        const updated = await db
          .updateTable('approvals')
          .set({ status: outcome.status, decided_at: nowMs })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        becameApproved = outcome.status === 'approved' && Number(updated.numUpdatedRows) === 1;
      }
      return { request: await this.#getIn(db, id), becameApproved };
    });
  }

  /** The requester withdraws a pending request. */
  async cancel(id: string, actor: string, nowMs: number): Promise<ApprovalRequest> {
    return this.#write(`cancel approval request ${id}`, async (db) => {
      const refusal = decideCancel(await this.#getIn(db, id), actor, nowMs);
      if (refusal !== undefined) throw refusalToError(refusal);
      await db
        .updateTable('approvals')
        .set({ status: 'cancelled', decided_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      return this.#getIn(db, id);
    });
  }

  /** Marks every pending request whose expiry has come as expired; returns them, as they are now. */
  async expireDue(nowMs: number): Promise<ApprovalRequest[]> {
    return this.#write('expire approval requests', async (db) => {
      const due = await db
        .selectFrom('approvals')
        .select('id')
        .where('status', '=', 'pending')
        .where('expires_at', '<=', nowMs)
        .orderBy('expires_at')
        .orderBy('id')
        .execute();
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      for (let start = 0; start < ids.length; start += ID_BATCH) {
        await db
          .updateTable('approvals')
          .set({ status: 'expired', decided_at: nowMs })
          .where('id', 'in', ids.slice(start, start + ID_BATCH))
          .where('status', '=', 'pending')
          .execute();
      }
      const requests = await Promise.all(ids.map((id) => this.#getIn(db, id)));
      return requests;
    });
  }

  /**
   * Flips an approved request to executing, atomically: of any number of concurrent callers (in any
   * process) exactly one receives the request; the others, and callers for a request that is not
   * approved, receive undefined.
   */
  async claimForExecution(id: string, nowMs: number): Promise<ApprovalRequest | undefined> {
    return this.#run(`claim approval request ${id} for execution`, async (db) => {
      const updated = await db
        .updateTable('approvals')
        .set({ status: 'executing', claimed_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return undefined;
      return this.#getIn(db, id);
    });
  }

  /** Records how the execution of a claimed (executing) request ended. */
  async finish(id: string, status: 'executed' | 'failed', result: unknown, nowMs: number): Promise<ApprovalRequest> {
    return this.#write(`record the outcome of approval request ${id}`, async (db) => {
      const updated = await db
        .updateTable('approvals')
        .set({ status, result: result === undefined ? null : canonicalJson(result), finished_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', 'executing')
        .executeTakeFirst();
      const request = await this.#getIn(db, id);
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new AmberError(
          'APPROVAL_ALREADY_DECIDED',
          `${id} is ${request.status}, not executing, so its outcome cannot be recorded as ${status}; claim it for execution first.`,
          { details: { approvalId: id, status: request.status } },
        );
      }
      return request;
    });
  }

  /**
   * Marks requests claimed before `claimedBeforeMs` and still executing as failed with `error` (their
   * server stopped while running them); returns them. Run it at start-up with a cut-off older than any
   * execution still running on another server of the same catalog.
   */
  async failInterrupted(
    claimedBeforeMs: number,
    error: { readonly code: string; readonly message: string },
    nowMs: number,
  ): Promise<ApprovalRequest[]> {
    return this.#write('fail interrupted approval executions', async (db) => {
      const stale = await db
        .selectFrom('approvals')
        .select('id')
        .where('status', '=', 'executing')
        .where('claimed_at', '<', claimedBeforeMs)
        .execute();
      const failed: ApprovalRequest[] = [];
      for (const { id } of stale) {
        await db
          .updateTable('approvals')
          .set({ status: 'failed', result: canonicalJson({ error }), finished_at: nowMs })
          .where('id', '=', id)
          .where('status', '=', 'executing')
          .execute();
        failed.push(await this.#getIn(db, id));
      }
      return failed;
    });
  }

  async #getIn(db: Db, id: string): Promise<ApprovalRequest> {
    const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) {
      throw new AmberError(
        'APPROVAL_NOT_FOUND',
        `There is no approval request ${id}; list them with amber approval list.`,
        {
          details: { approvalId: id },
        },
      );
    }
    return withVotes(db, row);
  }

  async #run<T>(action: string, work: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await work(this.#db);
    } catch (error) {
      throw toCatalogError(error, action, this.#label);
    }
  }

  /** Runs `work` in one BEGIN IMMEDIATE transaction: it holds the write lock from its first read. */
  async #write<T>(action: string, work: (db: Db) => Promise<T>): Promise<T> {
    return this.#run(action, (db) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await work(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      }),
    );
  }
}
