import { AmberError } from '../core/errors.js';

/**
 * Translates a foreign failure met in the catalog (better-sqlite3, Kysely) into CATALOG_ERROR, once,
 * keeping it as `cause`. AmberErrors pass through unchanged.
 */
export function toCatalogError(error: unknown, action: string, file: string): AmberError {
  if (error instanceof AmberError) return error;
  const sqliteCode = sqliteCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const details = sqliteCode === undefined ? { file } : { file, sqliteCode };
  return new AmberError(
    'CATALOG_ERROR',
    `The catalog ${file} could not ${action}: ${reason}${sqliteCode === undefined ? '' : ` (${sqliteCode})`}.`,
    { cause: error, details },
  );
}

function sqliteCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
