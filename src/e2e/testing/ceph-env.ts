import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  DeleteObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { loadCephEnv, type CephEnv } from '../../bench/s3-bench-env.js';
import { s3ConfigFromEnv, type S3StoreConfig } from '../../storage/s3-config.js';

export { CEPH_ENV_FILE, loadCephEnv, type CephEnv } from '../../bench/s3-bench-env.js';

/**
 * Registers the cases of a Ceph suite, or — without a cluster — one test that FAILS with the reason
 * (a Ceph suite never skips: a green run must mean the cases ran).
 */
export function withCeph(suite: string, register: (ceph: CephEnv) => void): void {
  const loaded = loadCephEnv();
  if (typeof loaded === 'string') {
    test(`${suite} needs a running Ceph RGW`, () => {
      assert.fail(`${loaded} Then run \`npm run test:s3\`.`);
    });
    return;
  }
  // The SDK's nine-line notice that its 2027 releases need Node 22 would clutter every test report.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  register(loaded);
}

/** A prefix no other run uses: `<label>-<12 hex>/`. */
export function freshPrefix(label: string): string {
  return `${label}-${randomBytes(6).toString('hex')}/`;
}

/** The driver's settings for a prefix of the lock bucket (or another bucket). */
export function s3ConfigFor(ceph: CephEnv, prefix: string, bucket: string = ceph.bucket): S3StoreConfig {
  return s3ConfigFromEnv(ceph.vars, { bucket, prefix });
}

/** The variables an `amber` process needs to reach the cluster (`--vault s3://BUCKET/PREFIX`). */
export function amberS3Env(ceph: CephEnv): Record<string, string> {
  return {
    AMBER_S3_ENDPOINT: ceph.endpoint,
    AMBER_S3_REGION: ceph.region,
    AMBER_S3_ACCESS_KEY_ID: ceph.accessKeyId,
    AMBER_S3_SECRET_ACCESS_KEY: ceph.secretAccessKey,
    // The SDK's nine-line notice that its 2027 releases need Node 22 would fill every failure message.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** `s3://BUCKET/PREFIX` of a vault. */
export function s3Url(ceph: CephEnv, prefix: string, bucket: string = ceph.bucket): string {
  return `s3://${bucket}/${prefix}`;
}

/**
 * A plain S3 client with the vault's own credentials, built straight from the AWS SDK (not Amber's
 * driver): what an auditor — or an attacker who stole the keys — would use.
 */
export function plainS3Client(ceph: CephEnv): S3Client {
  return new S3Client({
    endpoint: ceph.endpoint,
    region: ceph.region,
    forcePathStyle: true,
    credentials: { accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey },
    // RGW 16 does not understand aws-chunked bodies with trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** The name of the S3 error an SDK call failed with (`AccessDenied`, `NoSuchKey`…). */
export function s3ErrorCode(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e.Code ?? e.name ?? String(error);
}

/** Every real version and delete marker under a prefix, with a plain client. */
export async function listAllVersions(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ versions: ObjectVersion[]; markers: { key: string; versionId: string }[] }> {
  const versions: ObjectVersion[] = [];
  const markers: { key: string; versionId: string }[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(versionMarker === undefined ? {} : { VersionIdMarker: versionMarker }),
      }),
    );
    versions.push(...(page.Versions ?? []));
    for (const m of page.DeleteMarkers ?? []) markers.push({ key: m.Key ?? '', versionId: m.VersionId ?? '' });
    if (page.IsTruncated !== true) return { versions, markers };
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

/** The retention S3 reports for one version (GetObjectRetention), or undefined when it has none. */
export async function retentionOf(
  client: S3Client,
  bucket: string,
  key: string,
  versionId: string,
): Promise<{ mode: string; retainUntil: number } | undefined> {
  try {
    const answer = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    const until = answer.Retention?.RetainUntilDate?.getTime();
    if (answer.Retention?.Mode === undefined || until === undefined) return undefined;
    return { mode: answer.Retention.Mode, retainUntil: until };
  } catch (error) {
    // RGW answers an object without retention with ObjectLockConfigurationNotFoundError (or NoSuchObjectLockConfiguration).
    if (/ObjectLockConfigurationNotFound|NoSuchObjectLockConfiguration/.test(s3ErrorCode(error))) return undefined;
    throw error;
  }
}

/** The retention mode of the newest real version of every key under a prefix (audit anchors left out). */
export async function lockModesUnder(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, string | undefined>> {
  const modes = new Map<string, string | undefined>();
  for (const version of (await listAllVersions(client, bucket, prefix)).versions) {
    const key = version.Key ?? '';
    if (version.IsLatest !== true || key.startsWith(`${prefix}audit/`)) continue;
    modes.set(key.slice(prefix.length), (await retentionOf(client, bucket, key, version.VersionId ?? ''))?.mode);
  }
  return modes;
}

/** Whether S3 reports a legal hold on the latest version of a key. */
export async function legalHoldOf(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    const answer = await client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: key }));
    return answer.LegalHold?.Status === 'ON';
  } catch (error) {
    if (/ObjectLockConfigurationNotFound|NoSuchObjectLockConfiguration/.test(s3ErrorCode(error))) return false;
    throw error;
  }
}

/** What an attacker with the credentials can do without a version id: hide a key, or put a new version over it. */
export const attacks = {
  deleteMarker: (client: S3Client, bucket: string, key: string): Promise<unknown> =>
    client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
  overwrite: (client: S3Client, bucket: string, key: string, body: Buffer): Promise<unknown> =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
};
