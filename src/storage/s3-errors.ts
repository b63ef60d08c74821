import { AmberError } from '../core/errors.js';
import { notFound } from './storage-errors.js';

/**
 * The one translation of AWS SDK (and network) errors into Amber's storage codes. Everything the S3
 * driver catches from the SDK passes through translateS3Error, once, keeping the SDK error as cause.
 */

export type S3Operation = 'put' | 'get' | 'stat' | 'list' | 'delete' | 'lock' | 'hold' | 'probe';

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
const ACCESS_NAMES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidToken',
  'ExpiredToken',
  'RequestTimeTooSkewed',
]);
const MISCONFIGURED_NAMES = new Set([
  'NoSuchBucket',
  'InvalidBucketState',
  'ObjectLockConfigurationNotFoundError',
  'InvalidRequest',
]);
const INVALID_NAMES = new Set(['InvalidArgument', 'InvalidRange']);
const FULL_NAMES = new Set(['QuotaExceeded', 'EntityTooLarge']);
const TRANSIENT_NAMES = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'BadDigest',
  'IncompleteBody',
  'TimeoutError',
  'AbortError',
]);
const TRANSIENT_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/** The S3 error code (`NoSuchKey`, `AccessDenied`…) or the JS error name of a foreign error. */
export function s3ErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = 'Code' in error && typeof error.Code === 'string' ? error.Code : undefined;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : undefined;
  return code ?? name;
}

/** The HTTP status of the S3 answer, when there was one. */
export function s3HttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** True when S3 answered that the key (or the version) does not exist; a missing bucket is not that. */
export function isS3NotFound(error: unknown): boolean {
  const name = s3ErrorName(error) ?? '';
  if (name === 'NoSuchBucket') return false;
  return NOT_FOUND_NAMES.has(name) || s3HttpStatus(error) === 404;
}

/** True when S3 refused with 403 AccessDenied: an object lock, a legal hold, or missing permissions. */
export function isS3AccessDenied(error: unknown): boolean {
  return s3ErrorName(error) === 'AccessDenied' || (s3ErrorName(error) === undefined && s3HttpStatus(error) === 403);
}

/** True for a network failure, a timeout, throttling or a 5xx: worth retrying later. */
export function isS3Transient(error: unknown): boolean {
  const name = s3ErrorName(error) ?? '';
  const status = s3HttpStatus(error);
  return TRANSIENT_NAMES.has(name) || TRANSIENT_ERRNOS.has(errnoOf(error)) || (status !== undefined && status >= 500);
}

/**
 * Translates a failure met while doing `op` on `target` (an object key, or the bucket) into an
 * AmberError, keeping the original as cause. AccessDenied becomes STORAGE_ACCESS_DENIED here; the
 * driver turns refusals by an object lock into OBJECT_LOCKED / LEGAL_HOLD_ACTIVE before calling this.
 */
export function translateS3Error(error: unknown, op: S3Operation, target: string, location: string): AmberError {
  if (error instanceof AmberError) return error;
  const name = s3ErrorName(error) ?? 'UnknownError';
  const status = s3HttpStatus(error);
  const details = { op, target, location, s3Code: name, httpStatus: status ?? null };
  const said = `${name}${status === undefined ? '' : ` (HTTP ${String(status)})`}${serverMessage(error)}`;
  const options = { cause: error, details };
  if (isS3NotFound(error)) return notFound(target, error);
  if (ACCESS_NAMES.has(name) || isS3AccessDenied(error)) {
    return new AmberError(
      'STORAGE_ACCESS_DENIED',
      `The storage ${location} refused to ${op} ${target}: ${said}. Check the access key, its permissions on the ` +
        'bucket (including object-lock and version permissions) and the clocks.',
      options,
    );
  }
  if (MISCONFIGURED_NAMES.has(name)) {
    return new AmberError(
      'STORAGE_MISCONFIGURED',
      `The storage ${location} cannot ${op} ${target}: ${said}. The bucket must exist, with versioning and ` +
        'Object Lock enabled (run the storage preflight, `amber doctor`).',
      options,
    );
  }
  if (INVALID_NAMES.has(name)) {
    return new AmberError('INVALID_ARGUMENT', `The storage ${location} rejected ${op} ${target}: ${said}.`, options);
  }
  if (FULL_NAMES.has(name)) {
    return new AmberError('STORAGE_FULL', `The storage ${location} has no room to ${op} ${target}: ${said}.`, options);
  }
  const transient = isS3Transient(error);
  const why = transient ? 'a transient failure; the operation can be retried' : 'an unexpected answer';
  return new AmberError('STORAGE_ERROR', `The storage ${location} failed to ${op} ${target} (${why}): ${said}.`, {
    cause: error,
    details: { ...details, transient },
  });
}

/** The server's own message, unless it is empty (Ceph sends empty messages; the SDK then says UnknownError). */
function serverMessage(error: unknown): string {
  if (!(error instanceof Error)) return '';
  const message = error.message.trim();
  if (message === '' || message === 'UnknownError' || message === s3ErrorName(error)) return '';
  return `: ${message}`;
}

function errnoOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}
