import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectLegalHoldCommand,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { AmberError } from '../core/errors.js';
import type { ObjectInfo, ObjectLock } from './object-store.js';
import { isS3AccessDenied, translateS3Error, type S3Operation } from './s3-errors.js';
import { protectVersion } from './s3-upload.js';
import { authoritativeVersion, listKeyVersions, portKey, type S3Target, type S3Version } from './s3-versions.js';
import { legalHoldActive, notFound, objectLocked, unsupported } from './storage-errors.js';

/** Operations on one version of a key: HEAD, delete, explaining a refusal, replacing by a copy. */

/** One version with what HEAD says about it. */
export interface HeadedVersion {
  readonly versionId: string;
  readonly info: ObjectInfo;
}

/** The largest object CopyObject copies in one request. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

/** HEAD of the latest version (no versionId) or of one version; S3 errors are left untranslated. */
export async function headVersion(target: S3Target, fullKey: string, versionId?: string): Promise<HeadedVersion> {
  const head = await target.client.send(
    new HeadObjectCommand({
      Bucket: target.bucket,
      Key: fullKey,
      ...(versionId === undefined ? {} : { VersionId: versionId }),
    }),
  );
  return { versionId: head.VersionId ?? versionId ?? 'null', info: infoFromHead(portKey(target, fullKey), head) };
}

/**
 * The version reads and lock changes act on — the authoritative one (see authoritativeVersion), or
 * `knownVersionId` when the caller has it — with its HEAD. NOT_FOUND when the key has no real version.
 */
export async function currentVersion(
  target: S3Target,
  fullKey: string,
  asOfMs?: number,
  knownVersionId?: string,
): Promise<HeadedVersion> {
  const key = portKey(target, fullKey);
  const versionId = knownVersionId ?? (await resolveVersion(target, fullKey, asOfMs)).versionId;
  try {
    return await headVersion(target, fullKey, versionId);
  } catch (error) {
    throw translateS3Error(error, 'stat', key, target.location);
  }
}

/** The authoritative (oldest real) version, as of asOfMs when set; NOT_FOUND when there is none. */
export async function resolveVersion(target: S3Target, fullKey: string, asOfMs?: number): Promise<S3Version> {
  const version = authoritativeVersion(await listKeyVersions(target, fullKey), asOfMs);
  if (version === undefined) throw notFound(portKey(target, fullKey));
  return version;
}

/** The port's view of a HEAD answer: size, lock (as stored, even when lapsed) and legal hold. */
export function infoFromHead(key: string, head: HeadObjectCommandOutput): ObjectInfo {
  const size = head.ContentLength ?? 0;
  const legalHold = head.ObjectLockLegalHoldStatus === 'ON';
  const until = head.ObjectLockRetainUntilDate?.getTime();
  if (head.ObjectLockMode === undefined || until === undefined) return { key, size, legalHold };
  const mode = head.ObjectLockMode === 'COMPLIANCE' ? 'compliance' : 'governance';
  return { key, size, lock: { mode, retainUntil: until }, legalHold };
}

/**
 * Deletes one version; the bypass header is sent only when bypassGovernance is true. A refusal becomes
 * LEGAL_HOLD_ACTIVE or OBJECT_LOCKED (with the lock the storage reports), else STORAGE_ACCESS_DENIED.
 */
export async function deleteVersion(
  target: S3Target,
  fullKey: string,
  versionId: string,
  bypassGovernance: boolean,
): Promise<void> {
  try {
    await target.client.send(
      new DeleteObjectCommand({
        Bucket: target.bucket,
        Key: fullKey,
        VersionId: versionId,
        ...(bypassGovernance ? { BypassGovernanceRetention: true } : {}),
      }),
    );
  } catch (error) {
    throw await explainRefusal(target, fullKey, versionId, error, 'delete', 'cannot be deleted');
  }
}

/**
 * Turns a failure of an operation on one version into the port's error: when S3 said AccessDenied,
 * a HEAD of the version tells a legal hold or a lock (judged by the storage, whose clock decides)
 * from missing permissions.
 */
export async function explainRefusal(
  target: S3Target,
  fullKey: string,
  versionId: string,
  error: unknown,
  op: S3Operation,
  why: string,
): Promise<AmberError> {
  const key = portKey(target, fullKey);
  if (!isS3AccessDenied(error)) return translateS3Error(error, op, key, target.location);
  const current = await headVersion(target, fullKey, versionId).catch(() => undefined);
  if (current?.info.legalHold === true && op === 'delete') return withCause(legalHoldActive(key), error);
  if (current?.info.lock !== undefined) return withCause(objectLocked(key, current.info.lock, why), error);
  return translateS3Error(error, op, key, target.location);
}

/**
 * Replaces a version by a server-side copy carrying `lock` (or none) and the same legal hold, then
 * deletes the old version. For what S3 cannot say directly: removing a governance lock (RGW refuses
 * an empty retention) and setting governance after a lapsed compliance lock (RGW refuses the mode
 * change even after the date). When the old version cannot go, the copy is removed again.
 */
export async function replaceVersion(
  target: S3Target,
  fullKey: string,
  old: HeadedVersion,
  lock: ObjectLock | undefined,
  bypassGovernance: boolean,
): Promise<void> {
  const key = portKey(target, fullKey);
  if (old.info.size > MAX_COPY_BYTES) throw unsupported(`replacing the lock of ${key} (over 5 GiB)`, target.location);
  const ids = { Bucket: target.bucket, Key: fullKey };
  let copyId: string;
  try {
    const copy = await target.client.send(
      new CopyObjectCommand({
        ...ids,
        CopySource: `${target.bucket}/${fullKey}?versionId=${encodeURIComponent(old.versionId)}`,
        MetadataDirective: 'REPLACE',
      }),
    );
    // RGW 16 answers a copy without x-amz-version-id: then the copy is the latest version.
    copyId = copy.VersionId ?? (await headVersion(target, fullKey)).versionId;
  } catch (error) {
    throw translateS3Error(error, 'lock', key, target.location);
  }
  if (copyId === old.versionId) {
    throw new AmberError('STORAGE_ERROR', `The storage ${target.location} did not make a new version of ${key}.`, {
      details: { key, versionId: copyId },
    });
  }
  await protectVersion(target, fullKey, copyId, lock, old.info.legalHold);
  const oldIds = { ...ids, VersionId: old.versionId };
  try {
    // The copy holds now, so the old version's hold may go (else it could not be deleted).
    if (old.info.legalHold) await setHold(target, oldIds, 'OFF');
    await deleteVersion(target, fullKey, old.versionId, bypassGovernance && old.info.lock?.mode === 'governance');
  } catch (error) {
    if (old.info.legalHold) await setHold(target, oldIds, 'ON').catch(() => undefined);
    await removeCopy(target, fullKey, copyId, old.info.legalHold);
    throw error instanceof AmberError ? error : translateS3Error(error, 'lock', key, target.location);
  }
}

async function setHold(
  target: S3Target,
  ids: { Bucket: string; Key: string; VersionId: string },
  status: 'ON' | 'OFF',
): Promise<void> {
  await target.client.send(new PutObjectLegalHoldCommand({ ...ids, LegalHold: { Status: status } }));
}

/** Best effort: the copy made by replaceVersion, when the old version had to stay. */
async function removeCopy(target: S3Target, fullKey: string, copyId: string, held: boolean): Promise<void> {
  const ids = { Bucket: target.bucket, Key: fullKey, VersionId: copyId };
  try {
    if (held) await setHold(target, ids, 'OFF');
    await target.client.send(new DeleteObjectCommand({ ...ids, BypassGovernanceRetention: true }));
  } catch {
    // A copy that stays is protected like the original; the caller reports the original failure.
  }
}

function withCause(error: AmberError, cause: unknown): AmberError {
  return new AmberError(error.code, error.message, { cause, details: error.details });
}
