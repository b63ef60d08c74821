import { AmberError } from '../core/errors.js';
import { asBlobId, asPointId, asVaultId } from '../core/ids.js';
import type { PointsTable } from './catalog-tables.js';
import { STORAGE_LOCK_MODES, type PointRow } from './point-row.js';

/** A PointRow as stored in the `points` table. */
export function toPointRecord(row: PointRow): PointsTable {
  return {
    id: row.id,
    vault_id: row.vaultId,
    item: row.item,
    created_at: row.createdAt,
    retain_until: row.retainUntil,
    tags: JSON.stringify(row.tags),
    hostname: row.hostname,
    paths: JSON.stringify(row.paths),
    root: row.root,
    files: row.files,
    dirs: row.dirs,
    size_bytes: row.sizeBytes,
    added_bytes: row.addedBytes,
    added_stored_bytes: row.addedStoredBytes,
    lock_mode: row.lockMode,
    legal_hold: row.legalHold ? 1 : 0,
    parent: row.parent ?? null,
  };
}

/** A `points` record as a PointRow; a malformed record (edited by hand?) is a CATALOG_ERROR. */
export function fromPointRecord(record: PointsTable): PointRow {
  if (!STORAGE_LOCK_MODES.includes(record.lock_mode)) {
    throw malformed(record.id, `lock mode "${String(record.lock_mode)}"`);
  }
  const row: PointRow = {
    id: asPointId(record.id),
    vaultId: asVaultId(record.vault_id),
    item: record.item,
    createdAt: record.created_at,
    retainUntil: record.retain_until,
    tags: parseStringArray(record.id, 'tags', record.tags),
    hostname: record.hostname,
    paths: parseStringArray(record.id, 'paths', record.paths),
    root: asBlobId(record.root),
    files: record.files,
    dirs: record.dirs,
    sizeBytes: record.size_bytes,
    addedBytes: record.added_bytes,
    addedStoredBytes: record.added_stored_bytes,
    lockMode: record.lock_mode,
    legalHold: record.legal_hold === 1,
  };
  return record.parent === null ? row : { ...row, parent: asPointId(record.parent) };
}

function parseStringArray(id: string, column: string, text: string): readonly string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw malformed(id, `${column} (not JSON)`, error);
  }
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw malformed(id, `${column} (not an array of strings)`);
  }
  return value;
}

function malformed(id: string, what: string, cause?: unknown): AmberError {
  return new AmberError(
    'CATALOG_ERROR',
    `The catalog row of recovery point ${id} has a malformed ${what}; rebuild the catalog from storage.`,
    cause === undefined ? { details: { pointId: id } } : { cause, details: { pointId: id } },
  );
}
