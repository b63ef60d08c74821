import { sql, type Kysely } from 'kysely';

/** One row per approval request; `params` and `result` are JSON. Instants are epoch milliseconds. */
export interface ApprovalsTable {
  /** `apr_` + 24 hex characters. */
  id: string;
  operation: string;
  vault: string | null;
  /** Canonical JSON (sorted keys), so equal params compare equal as text. */
  params: string;
  summary: string;
  requester: string;
  reason: string | null;
  created_at: number;
  expires_at: number;
  status: string;
  required: number;
  result: string | null;
  decided_at: number | null;
  claimed_at: number | null;
  finished_at: number | null;
}

/** One row per vote; a person votes once on a request (primary key). */
export interface ApprovalVotesTable {
  approval_id: string;
  voter: string;
  decision: 'approve' | 'reject';
  at: number;
  comment: string | null;
}

/** A single row (id 1) holding the approval settings as JSON. */
export interface ApprovalSettingsTable {
  id: number;
  settings: string;
  updated_at: number;
  updated_by: string;
}

/** The tables ApprovalStore works on, as Kysely sees them. */
export interface ApprovalTables {
  approvals: ApprovalsTable;
  approval_votes: ApprovalVotesTable;
  approval_settings: ApprovalSettingsTable;
}

/**
 * Creates the approval tables (for a catalog migration: call it from one migration's `up`, never
 * change it afterwards — later schema changes are new migrations).
 */
export async function createApprovalTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('vault', 'text')
    .addColumn('params', 'text', (c) => c.notNull().check(sql`json_type(params) = 'object'`))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('pending', 'approved', 'rejected', 'expired', 'cancelled', 'executing', 'executed', 'failed')`,
        ),
    )
    .addColumn('required', 'integer', (c) => c.notNull().check(sql`required >= 1`))
    .addColumn('result', 'text', (c) => c.check(sql`result is null or json_valid(result)`))
    .addColumn('decided_at', 'integer')
    .addColumn('claimed_at', 'integer')
    .addColumn('finished_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createIndex('approvals_status_expires_at')
    .on('approvals')
    .columns(['status', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('approvals_requester_operation')
    .on('approvals')
    .columns(['requester', 'operation', 'status'])
    .execute();
  await db.schema.createIndex('approvals_created_at').on('approvals').columns(['created_at', 'id']).execute();
  await db.schema
    .createTable('approval_votes')
    .addColumn('approval_id', 'text', (c) => c.notNull().references('approvals.id'))
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'reject')`))
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('approval_votes_pk', ['approval_id', 'voter'])
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createTable('approval_settings')
    .addColumn('id', 'integer', (c) =>
      c
        .primaryKey()
        .notNull()
        .check(sql`id = 1`),
    )
    .addColumn('settings', 'text', (c) => c.notNull().check(sql`json_type(settings) = 'object'`))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .modifyEnd(sql`strict`)
    .execute();
}
