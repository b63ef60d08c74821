import { sql, type Kysely } from 'kysely';
import type { Migration } from './apply-migrations.js';
import { createChainedAuditTable } from './audit-log.js';
import { createApprovalTables } from './approval-store.js';
import { createTimeLogTables } from './time-log-store.js';

/** The server catalog's schema, forward-only like the vault catalog's (src/catalog/migrations.ts). */
export const SERVER_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create-identities-and-jobs',
    async up(db) {
      await createIdentityTables(db);
      await createJobTables(db);
    },
  },
  {
    id: 2,
    name: 'create-audit-approvals-time-log',
    async up(db) {
      await createChainedAuditTable(db);
      await createApprovalTables(db);
      await createTimeLogTables(db);
    },
  },
];

async function createIdentityTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vaults')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('local', 's3')`))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('disabled_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'agent', 'enroll')`))
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('full', 'read')`))
    .addColumn('vault', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer')
    .addColumn('revoked_at', 'integer')
    .addColumn('last_used_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createTable('agents')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('vault', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('last_seen_at', 'integer')
    .addColumn('key_id', 'text')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema
    .createTable('item_agents')
    .addColumn('vault', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_agents_pk', ['vault', 'item'])
    .modifyEnd(sql`strict`)
    .execute();
}

async function createJobTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('vault', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('backup', 'restore')`))
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'manual')`))
    .addColumn('scheduled_for', 'integer')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'canceled')`),
    )
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'integer')
    .addColumn('finished_at', 'integer')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('point_id', 'text')
    .addColumn('files', 'integer')
    .addColumn('bytes', 'integer')
    .addColumn('added_bytes', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('warnings', 'integer')
    .addColumn('progress', 'text')
    .addColumn('message', 'text')
    .addColumn('params', 'text', (c) => c.notNull().check(sql`json_type(params) = 'object'`))
    .modifyEnd(sql`strict`)
    .execute();
  // A scheduled run is created once, whatever restarts happen.
  await db.schema
    .createIndex('jobs_scheduled_once')
    .unique()
    .on('jobs')
    .columns(['vault', 'item', 'scheduled_for'])
    .where(sql.ref('scheduled_for'), 'is not', null)
    .execute();
  await db.schema.createIndex('jobs_created_at').on('jobs').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('jobs_agent_status').on('jobs').columns(['agent', 'status']).execute();
}
