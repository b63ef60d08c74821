import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { LockMode, ObjectLock } from './object-store.js';
import { translateS3Error } from './s3-errors.js';
import { alreadyExists } from './storage-errors.js';
import { listKeyVersions, portKey, type S3Target } from './s3-versions.js';

/**
 * Writing one new version: a single PutObject with lock headers and Content-MD5, or a multipart
 * upload followed by PutObjectRetention / PutObjectLegalHold on the completed version and a read
 * back (Ceph RGW 16 ignores lock headers on CreateMultipartUpload and CopyObject).
 */

export interface NewVersion {
  readonly fullKey: string;
  readonly data: Uint8Array;
  readonly lock?: ObjectLock;
  readonly legalHold: boolean;
}

export interface MultipartSettings {
  readonly thresholdBytes: number;
  readonly partSizeBytes: number;
  readonly concurrency: number;
}

/** The S3 lock mode for a port lock mode. */
export function s3Mode(mode: LockMode): 'GOVERNANCE' | 'COMPLIANCE' {
  return mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE';
}

/** Content-MD5 (base64): every put and part carries it and the server verifies it (BadDigest). */
export function contentMd5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/** Uploads the bytes as a new version of fullKey, protected as asked; returns its version id. */
export async function uploadVersion(
  target: S3Target,
  version: NewVersion,
  multipart: MultipartSettings,
): Promise<string> {
  if (version.data.length < multipart.thresholdBytes) return putSingle(target, version);
  const versionId = await putMultipart(target, version, multipart);
  await protectVersion(target, version.fullKey, versionId, version.lock, version.legalHold);
  return versionId;
}

async function putSingle(target: S3Target, version: NewVersion): Promise<string> {
  const { fullKey, data, lock } = version;
  try {
    const output = await target.client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: fullKey,
        Body: data,
        ContentLength: data.length,
        ContentMD5: contentMd5(data),
        ...(lock === undefined ? {} : lockHeaders(lock)),
        ...(version.legalHold ? { ObjectLockLegalHoldStatus: 'ON' as const } : {}),
      }),
    );
    return output.VersionId ?? 'null';
  } catch (error) {
    throw translateS3Error(error, 'put', portKey(target, fullKey), target.location);
  }
}

async function putMultipart(target: S3Target, version: NewVersion, settings: MultipartSettings): Promise<string> {
  const { fullKey, data, lock } = version;
  const { client, bucket } = target;
  let uploadId: string | undefined;
  try {
    // The lock headers are sent for stores that honour them (AWS); protectVersion sets them again after.
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: fullKey,
        ...(lock === undefined ? {} : lockHeaders(lock)),
        ...(version.legalHold ? { ObjectLockLegalHoldStatus: 'ON' as const } : {}),
      }),
    );
    const id = created.UploadId ?? '';
    uploadId = id;
    const parts = await uploadParts(target, fullKey, id, data, settings);
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: fullKey,
        UploadId: id,
        MultipartUpload: { Parts: parts },
      }),
    );
    return done.VersionId ?? 'null';
  } catch (error) {
    if (uploadId !== undefined) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: fullKey, UploadId: uploadId }))
        .catch(() => undefined); // the upload is abandoned either way; the original failure is what matters
    }
    throw translateS3Error(error, 'put', portKey(target, fullKey), target.location);
  }
}

async function uploadParts(
  target: S3Target,
  fullKey: string,
  uploadId: string,
  data: Uint8Array,
  settings: MultipartSettings,
): Promise<CompletedPart[]> {
  const count = Math.ceil(data.length / settings.partSizeBytes);
  const parts: CompletedPart[] = new Array<CompletedPart>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const body = data.subarray(index * settings.partSizeBytes, (index + 1) * settings.partSizeBytes);
      const output = await target.client.send(
        new UploadPartCommand({
          Bucket: target.bucket,
          Key: fullKey,
          UploadId: uploadId,
          PartNumber: index + 1,
          Body: body,
          ContentLength: body.length,
          ContentMD5: contentMd5(body),
        }),
      );
      parts[index] = { PartNumber: index + 1, ETag: output.ETag ?? '' };
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, count) }, worker));
  return parts;
}

/**
 * Sets retention and legal hold on one version explicitly, then reads them back with one HEAD. When
 * they did not stick, removes the version (it is unprotected, so the delete goes through) and fails
 * with STORAGE_LOCK_NOT_APPLIED, so that a retried put does not meet an unprotected object.
 */
export async function protectVersion(
  target: S3Target,
  fullKey: string,
  versionId: string,
  lock: ObjectLock | undefined,
  legalHold: boolean,
): Promise<void> {
  if (lock === undefined && !legalHold) return;
  const { client, bucket } = target;
  const ids = { Bucket: bucket, Key: fullKey, VersionId: versionId };
  try {
    if (lock !== undefined) {
      const retention = { Mode: s3Mode(lock.mode), RetainUntilDate: instant(lock.retainUntil) };
      await client.send(new PutObjectRetentionCommand({ ...ids, Retention: retention }));
    }
    if (legalHold) await client.send(new PutObjectLegalHoldCommand({ ...ids, LegalHold: { Status: 'ON' } }));
  } catch (error) {
    throw translateS3Error(error, 'lock', portKey(target, fullKey), target.location);
  }
  const head = await client.send(new HeadObjectCommand(ids)).catch((error: unknown) => {
    throw translateS3Error(error, 'stat', portKey(target, fullKey), target.location);
  });
  const lockKept =
    lock === undefined ||
    (head.ObjectLockMode === s3Mode(lock.mode) && (head.ObjectLockRetainUntilDate?.getTime() ?? 0) >= lock.retainUntil);
  const holdKept = !legalHold || head.ObjectLockLegalHoldStatus === 'ON';
  if (lockKept && holdKept) return;
  const removed = await client.send(new DeleteObjectCommand(ids)).then(
    () => true,
    () => false,
  );
  const seen = `${head.ObjectLockMode ?? 'no lock'} until ${head.ObjectLockRetainUntilDate?.toISOString() ?? '-'}, legal hold ${head.ObjectLockLegalHoldStatus ?? 'OFF'}`;
  const wanted = `${lock === undefined ? 'no lock' : `${s3Mode(lock.mode)} until ${toIso(lock.retainUntil)}`}, legal hold ${legalHold ? 'ON' : 'OFF'}`;
  throw new AmberError(
    'STORAGE_LOCK_NOT_APPLIED',
    `The storage ${target.location} stored ${portKey(target, fullKey)} but did not keep its protection: asked for ${wanted}, ` +
      `read back ${seen}; ${removed ? 'the unprotected version was removed' : 'the version could not be removed'}.`,
    { details: { key: portKey(target, fullKey), versionId, removed } },
  );
}

/** The lock headers of a put. */
export function lockHeaders(lock: ObjectLock): {
  ObjectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  ObjectLockRetainUntilDate: Date;
} {
  return { ObjectLockMode: s3Mode(lock.mode), ObjectLockRetainUntilDate: instant(lock.retainUntil) };
}

/** A Date for the SDK from epoch milliseconds (the one place this driver builds one). */
export function instant(epochMs: number): Date {
  return new Date(epochMs);
}

/**
 * Of concurrent puts of one key, the oldest version wins (RGW 16 ignores If-None-Match: * on PUT, so
 * the check before the put cannot exclude a race): a loser removes its own version and fails with
 * ALREADY_EXISTS. Its governance lock is bypassed for that: the version is our own duplicate.
 */
export async function settleRace(
  target: S3Target,
  fullKey: string,
  versionId: string,
  lock?: ObjectLock,
): Promise<void> {
  const key = portKey(target, fullKey);
  const { real } = await listKeyVersions(target, fullKey);
  const oldest = real[real.length - 1];
  if (oldest?.versionId === versionId) return;
  if (oldest === undefined) {
    throw new AmberError('STORAGE_ERROR', `The object ${key} vanished from ${target.location} right after its put.`, {
      details: { key, versionId },
    });
  }
  const bypass = lock?.mode === 'governance' ? { BypassGovernanceRetention: true } : {};
  await target.client
    .send(new DeleteObjectCommand({ Bucket: target.bucket, Key: fullKey, VersionId: versionId, ...bypass }))
    .catch(() => undefined); // a compliance-locked duplicate stays; it holds bytes put under the same key
  throw alreadyExists(key);
}
