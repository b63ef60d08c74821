import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { toIso, type Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { ObjectStore, ProbeCheck, ProbeReport } from './object-store.js';
import { isS3AccessDenied, s3ErrorName } from './s3-errors.js';
import { contentMd5, instant } from './s3-upload.js';
import type { S3Target } from './s3-versions.js';

/** Length of the governance lock on the probe object; the probe removes it at once with bypass. */
const PROBE_LOCK_MS = 60_000;

const BUCKET_CHECKS = ['bucket exists', 'versioning enabled', 'object lock enabled', 'no default retention'];
const OBJECT_CHECKS = [
  'retention on put',
  'retention extension',
  'lock enforced',
  'governance bypass',
  'delete unlocked',
];

/**
 * The S3 preflight (`amber doctor`, vault creation): the bucket exists with versioning and Object
 * Lock, has NO default retention, and these credentials can put with retention, extend it right
 * after, read it back, and delete an unlocked object. Probe objects live under `<prefix>.amber-probe/`
 * (names the port never lists) and are removed again.
 */
export async function runS3Probe(target: S3Target, clock: Clock): Promise<ProbeReport> {
  const checks: ProbeCheck[] = [];
  const bucketOk = await runChecks(checks, [
    ['bucket exists', () => checkBucket(target)],
    ['versioning enabled', () => checkVersioning(target)],
    ['object lock enabled', () => checkObjectLock(target)],
    ['no default retention', () => checkNoDefaultRetention(target)],
  ]);
  if (!bucketOk) {
    const failed = checks.find((check) => !check.ok)?.name ?? BUCKET_CHECKS[0];
    for (const name of [...BUCKET_CHECKS.slice(checks.length), ...OBJECT_CHECKS]) {
      checks.push({ name, ok: false, detail: `skipped: the check "${String(failed)}" failed` });
    }
    return { location: target.location, checks };
  }
  await runObjectChecks(target, clock, checks);
  return { location: target.location, checks };
}

/**
 * Runs the store's probe and throws STORAGE_PREFLIGHT_FAILED naming every failed check, for vault
 * creation; returns the report when all passed.
 */
export async function preflightS3(store: Pick<ObjectStore, 'probe' | 'location'>): Promise<ProbeReport> {
  const report = await store.probe();
  const failed = report.checks.filter((check) => !check.ok && !check.detail.startsWith('skipped'));
  if (failed.length === 0) return report;
  const reasons = failed.map((check) => `${check.name}: ${check.detail}`).join('; ');
  throw new AmberError(
    'STORAGE_PREFLIGHT_FAILED',
    `The storage ${store.location} cannot hold an Amber vault. ${reasons}`,
    {
      details: { location: store.location, failedChecks: failed.map((check) => check.name) },
    },
  );
}

type Check = readonly [name: string, run: () => Promise<string>];

/** Runs checks in order until one fails; returns true when all passed. */
async function runChecks(checks: ProbeCheck[], list: readonly Check[]): Promise<boolean> {
  for (const [name, run] of list) {
    try {
      checks.push({ name, ok: true, detail: await run() });
    } catch (error) {
      checks.push({ name, ok: false, detail: describe(error) });
      return false;
    }
  }
  return true;
}

async function checkBucket(target: S3Target): Promise<string> {
  await target.client.send(new HeadBucketCommand({ Bucket: target.bucket }));
  return `bucket ${target.bucket} answers`;
}

async function checkVersioning(target: S3Target): Promise<string> {
  const output = await target.client.send(new GetBucketVersioningCommand({ Bucket: target.bucket }));
  if (output.Status !== 'Enabled') {
    throw new AmberError(
      'STORAGE_PREFLIGHT_FAILED',
      `versioning is ${output.Status ?? 'off'}; Object Lock needs it Enabled (it is, on a bucket created with Object Lock)`,
    );
  }
  return 'versioning is Enabled';
}

async function checkObjectLock(target: S3Target): Promise<string> {
  const output = await target.client
    .send(new GetObjectLockConfigurationCommand({ Bucket: target.bucket }))
    .catch((error: unknown) => {
      if (s3ErrorName(error) !== 'ObjectLockConfigurationNotFoundError') throw error;
      return { ObjectLockConfiguration: undefined };
    });
  if (output.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') {
    throw new AmberError(
      'STORAGE_PREFLIGHT_FAILED',
      'Object Lock is not enabled on the bucket; create the bucket with Object Lock enabled ' +
        '(`--object-lock-enabled-for-bucket`), since most stores cannot add it later',
    );
  }
  return 'Object Lock is Enabled';
}

async function checkNoDefaultRetention(target: S3Target): Promise<string> {
  const output = await target.client.send(new GetObjectLockConfigurationCommand({ Bucket: target.bucket }));
  const rule = output.ObjectLockConfiguration?.Rule?.DefaultRetention;
  if (rule !== undefined) {
    const period = rule.Days !== undefined ? `${String(rule.Days)} days` : `${String(rule.Years ?? '?')} years`;
    throw new AmberError(
      'STORAGE_PREFLIGHT_FAILED',
      `the bucket has a default retention (${rule.Mode ?? '?'}, ${period}): it would lock every object Amber ` +
        'writes, including those Amber must delete when a point expires in a vault with immutability disabled, ' +
        'and it hides the retention Amber computes per object (Ceph RGW even applies it over the explicit ' +
        'retention of multipart uploads). Remove the rule: put-object-lock-configuration with only ' +
        'ObjectLockEnabled=Enabled',
    );
  }
  return 'no default retention rule: Amber sets retention per object';
}

async function runObjectChecks(target: S3Target, clock: Clock, checks: ProbeCheck[]): Promise<void> {
  const probeKey = `${target.prefix}.amber-probe/${randomBytes(8).toString('hex')}`;
  const ids = { Bucket: target.bucket, Key: probeKey };
  const firstUntil = Math.ceil((clock.nowMs() + PROBE_LOCK_MS) / 1000) * 1000;
  const laterUntil = firstUntil + PROBE_LOCK_MS;
  let versionId = '';
  await runChecks(checks, [
    [
      'retention on put',
      async () => {
        const body = Buffer.from('amber probe\n');
        const put = await target.client.send(
          new PutObjectCommand({
            ...ids,
            Body: body,
            ContentMD5: contentMd5(body),
            ObjectLockMode: 'GOVERNANCE',
            ObjectLockRetainUntilDate: instant(firstUntil),
          }),
        );
        versionId = put.VersionId ?? 'null';
        return readBack(target, probeKey, versionId, firstUntil);
      },
    ],
    [
      'retention extension',
      async () => {
        const retention = { Mode: 'GOVERNANCE' as const, RetainUntilDate: instant(laterUntil) };
        await target.client.send(new PutObjectRetentionCommand({ ...ids, VersionId: versionId, Retention: retention }));
        return `extended right after the put; ${await readBack(target, probeKey, versionId, laterUntil)}`;
      },
    ],
    ['lock enforced', () => checkLockEnforced(target, probeKey, versionId)],
    [
      'governance bypass',
      async () => {
        await target.client.send(
          new DeleteObjectCommand({ ...ids, VersionId: versionId, BypassGovernanceRetention: true }),
        );
        return 'the credentials may bypass a governance lock (needed to delete points of a vault with immutability enabled)';
      },
    ],
    ['delete unlocked', () => checkDeleteUnlocked(target, `${probeKey}-plain`)],
  ]);
  for (const name of OBJECT_CHECKS.filter((name) => !checks.some((check) => check.name === name))) {
    checks.push({ name, ok: false, detail: 'skipped: an earlier object check failed' });
  }
}

async function readBack(target: S3Target, key: string, versionId: string, untilMs: number): Promise<string> {
  const head = await target.client.send(
    new HeadObjectCommand({ Bucket: target.bucket, Key: key, VersionId: versionId }),
  );
  const readUntil = head.ObjectLockRetainUntilDate?.getTime();
  if (head.ObjectLockMode !== 'GOVERNANCE' || readUntil !== untilMs) {
    throw new AmberError(
      'STORAGE_PREFLIGHT_FAILED',
      `asked for GOVERNANCE until ${toIso(untilMs)}, read back ${head.ObjectLockMode ?? 'no lock'} until ` +
        `${readUntil === undefined ? '-' : toIso(readUntil)}`,
    );
  }
  return `read back GOVERNANCE until ${toIso(untilMs)}`;
}

async function checkLockEnforced(target: S3Target, key: string, versionId: string): Promise<string> {
  try {
    await target.client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key, VersionId: versionId }));
  } catch (error) {
    if (isS3AccessDenied(error)) return 'deleting the locked version without bypass was refused';
    throw error;
  }
  throw new AmberError('STORAGE_PREFLIGHT_FAILED', 'the storage deleted a locked version: Object Lock is not enforced');
}

async function checkDeleteUnlocked(target: S3Target, key: string): Promise<string> {
  const body = Buffer.from('amber probe\n');
  const ids = { Bucket: target.bucket, Key: key };
  const put = await target.client.send(new PutObjectCommand({ ...ids, Body: body, ContentMD5: contentMd5(body) }));
  await target.client.send(new DeleteObjectCommand({ ...ids, VersionId: put.VersionId ?? 'null' }));
  return 'the credentials can put and delete (by version) an unlocked object';
}

function describe(error: unknown): string {
  if (error instanceof AmberError) return error.message;
  const name = s3ErrorName(error) ?? 'error';
  const message = error instanceof Error && error.message !== 'UnknownError' ? `: ${error.message}` : '';
  return `${name}${message}`;
}
