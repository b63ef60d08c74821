import { sql } from 'kysely';
import type { Migration } from './apply-migrations.js';
import { chainExistingAuditEvents } from './audit-log.js';

/**
 * The catalog schema, as an ordered list of forward-only migrations. Never edit or reorder a migration
 * that has shipped: append a new one with the next id. Ids and names are recorded in
 * `schema_migrations`; a catalog that records a migration this list does not know is refused.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create-points-and-meta',
    async up(db) {
      await db.schema
        .createTable('points')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('vault_id', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('retain_until', 'integer', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull().check(sql`json_type(tags) = 'array'`))
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('paths', 'text', (c) => c.notNull().check(sql`json_type(paths) = 'array'`))
        .addColumn('root', 'text', (c) => c.notNull())
        .addColumn('files', 'integer', (c) => c.notNull())
        .addColumn('dirs', 'integer', (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addColumn('added_bytes', 'integer', (c) => c.notNull())
        .addColumn('added_stored_bytes', 'integer', (c) => c.notNull())
        .addColumn('lock_mode', 'text', (c) =>
          c.notNull().check(sql`lock_mode in ('none', 'governance', 'compliance')`),
        )
        .addColumn('legal_hold', 'integer', (c) => c.notNull().check(sql`legal_hold in (0, 1)`))
        .addColumn('parent', 'text')
        .modifyEnd(sql`strict`)
        .execute();
      await db.schema
        .createIndex('points_item_created_at')
        .on('points')
        .columns(['item', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('points_created_at').on('points').columns(['created_at', 'id']).execute();
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey().notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .modifyEnd(sql`strict`)
        .execute();
    },
  },
  {
    id: 2,
    name: 'create-audit-events',
    async up(db) {
      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey().notNull())
        .addColumn('at', 'integer', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'refused', 'failed')`))
        .addColumn('code', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull().check(sql`json_type(details) = 'object'`))
        .modifyEnd(sql`strict`)
        .execute();
      await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'seq']).execute();
    },
  },
  {
    id: 3,
    name: 'chain-audit-events',
    async up(db) {
      // Every event carries the hash of the one before (catalog/audit-log.ts); existing events are
      // chained as they stand.
      await sql`alter table audit_events add column prev_hash text not null default ''`.execute(db);
      await sql`alter table audit_events add column hash text not null default ''`.execute(db);
      await chainExistingAuditEvents(db);
    },
  },
];
