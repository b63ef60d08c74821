import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { isValidKey, type ObjectLock } from './object-store.js';

/** The typed errors every storage driver throws; foreign errors are translated here, once. */

export function notFound(key: string, cause?: unknown): AmberError {
  return new AmberError('NOT_FOUND', `The object ${key} does not exist in storage.`, withCause({ key }, cause));
}

export function alreadyExists(key: string, cause?: unknown): AmberError {
  return new AmberError(
    'ALREADY_EXISTS',
    `The object ${key} already exists; stored objects are never overwritten.`,
    withCause({ key }, cause),
  );
}

export function objectLocked(key: string, lock: ObjectLock, why = 'cannot be deleted'): AmberError {
  return new AmberError(
    'OBJECT_LOCKED',
    `The object ${key} ${why}: it is under a ${lock.mode} lock until ${toIso(lock.retainUntil)}.`,
    { details: { key, mode: lock.mode, retainUntil: lock.retainUntil } },
  );
}

export function legalHoldActive(key: string): AmberError {
  return new AmberError(
    'LEGAL_HOLD_ACTIVE',
    `The object ${key} is under legal hold and cannot be deleted until the hold is released.`,
    { details: { key } },
  );
}

export function unsupported(what: string, location: string): AmberError {
  return new AmberError('UNSUPPORTED', `The storage ${location} does not support ${what}.`, {
    details: { capability: what, location },
  });
}

export function invalidArgument(message: string, details: Record<string, unknown> = {}): AmberError {
  return new AmberError('INVALID_ARGUMENT', message, { details });
}

/** Throws INVALID_ARGUMENT unless key follows the port's key rules. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || !isValidKey(key)) {
    throw invalidArgument(
      `${JSON.stringify(key)} is not a valid object key: use slash-separated [a-z0-9._-] segments that do not ` +
        `start with '.', without '..', at most 512 characters.`,
      { key },
    );
  }
}

/** Throws INVALID_ARGUMENT unless prefix is empty, a valid key, or a valid key followed by '/'. */
export function assertValidPrefix(prefix: string): void {
  const body = typeof prefix === 'string' && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (typeof prefix !== 'string' || (prefix !== '' && !isValidKey(body))) {
    throw invalidArgument(
      `${JSON.stringify(prefix)} is not a valid list prefix: it must be the start of a valid key.`,
      {
        prefix,
      },
    );
  }
}

/** Throws INVALID_ARGUMENT unless [offset, offset + length) lies within an object of sizeBytes. */
export function assertRange(key: string, offset: number, length: number, sizeBytes: number): void {
  const valid = Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0;
  if (!valid || offset + length > sizeBytes) {
    throw invalidArgument(
      `The range ${String(offset)}+${String(length)} lies outside the object ${key} of ${String(sizeBytes)} bytes.`,
      { key, offset, length, sizeBytes },
    );
  }
}

export type FsOperation = 'put' | 'get' | 'stat' | 'list' | 'delete' | 'lock' | 'open' | 'probe';

/**
 * Translates a Node fs error met while doing `op` on `key` (an object key or a path) into an AmberError,
 * keeping the original as `cause`.
 */
export function translateFsError(error: unknown, key: string, op: FsOperation): AmberError {
  if (error instanceof AmberError) return error;
  const code = errnoCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  const errno = code ?? '';
  switch (errno) {
    case 'ENOENT':
      return notFound(key, error);
    case 'EEXIST':
      return alreadyExists(key, error);
    case 'ENOSPC':
    case 'EDQUOT':
      return new AmberError(
        'STORAGE_FULL',
        `The storage has no space left (${code}) while trying to ${op} ${key}; nothing partial was committed.`,
        { cause: error, details: { key, op, errno: code } },
      );
    case 'ENAMETOOLONG':
      return new AmberError(
        'INVALID_ARGUMENT',
        `The key ${key} is too long for this file system: a segment may have at most 250 characters.`,
        { cause: error, details: { key, op, errno: code } },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AmberError(
        'STORAGE_ERROR',
        `The storage refused to ${op} ${key} (${errno}): ${permissionHint(errno)}`,
        {
          cause: error,
          details: { key, op, errno: code },
        },
      );
    default:
      return new AmberError('STORAGE_ERROR', `The storage failed to ${op} ${key}: ${reason}`, {
        cause: error,
        details: code === undefined ? { key, op } : { key, op, errno: code },
      });
  }
}

/** The errno code (`ENOENT`…) of a Node system error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}

function permissionHint(code: string): string {
  if (code === 'EROFS') return 'the file system is mounted read-only.';
  return (
    'the process lacks permission on the file or directory, or the file carries the immutable attribute ' +
    '(check ownership, modes and `lsattr`).'
  );
}

function withCause(
  details: Record<string, unknown>,
  cause: unknown,
): { cause?: unknown; details: Record<string, unknown> } {
  return cause === undefined ? { details } : { cause, details };
}
