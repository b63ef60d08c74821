import type { Generated } from 'kysely';
import type { StorageLockMode } from './point-row.js';

/** The `points` table: one row per recovery point; tags and paths are JSON arrays of strings. */
export interface PointsTable {
  id: string;
  vault_id: string;
  item: string;
  created_at: number;
  retain_until: number;
  tags: string;
  hostname: string;
  paths: string;
  root: string;
  files: number;
  dirs: number;
  size_bytes: number;
  added_bytes: number;
  added_stored_bytes: number;
  lock_mode: StorageLockMode;
  /** 0 or 1. */
  legal_hold: number;
  parent: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** One row per applied migration (see apply-migrations.ts). */
export interface SchemaMigrationsTable {
  id: number;
  name: string;
}

/**
 * The `audit_events` table: every change and every refusal, in order, hash-chained (see
 * catalog/audit-log.ts). `prev_hash` and `hash` are 64 lowercase hex characters.
 */
export interface AuditEventsTable {
  seq: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  outcome: 'ok' | 'refused' | 'failed';
  code: string | null;
  message: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The catalog's tables as Kysely sees them. */
export interface CatalogTables {
  audit_events: AuditEventsTable;
  points: PointsTable;
  meta: MetaTable;
  schema_migrations: SchemaMigrationsTable;
}
