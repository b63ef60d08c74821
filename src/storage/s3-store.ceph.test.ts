/**
 * The S3 driver against a real Ceph RADOS Gateway: the shared conformance suite (locks judged by the
 * storage's own clock, so in real time with 4 s retention) and the driver's own cases. Needs the
 * throw-away cluster of `.ci/ceph-rgw.sh up`, whose env file it reads; without one it FAILS (it never
 * skips). Run with `npm run test:s3`; `npm test` leaves *.ceph.test.js out.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { createS3Client } from './s3-client.js';
import { s3ConfigFromEnv, type S3ConfigInput, type S3StoreConfig } from './s3-config.js';
import { s3ErrorName } from './s3-errors.js';
import { preflightS3 } from './s3-probe.js';
import { instant } from './s3-upload.js';
import { S3Store, type S3StoreOptions } from './s3-store.js';
import { runConformanceSuite } from './testing/conformance.js';
import { listKeys, rejectsWithCode, someBytes } from './testing/conformance-support.js';

const ENV_FILE = join(tmpdir(), 'amber-ceph-rgw', 'env');
const REQUIRED = [
  'AMBER_S3_ENDPOINT',
  'AMBER_S3_ACCESS_KEY_ID',
  'AMBER_S3_SECRET_ACCESS_KEY',
  'AMBER_S3_BUCKET',
  'AMBER_S3_BUCKET_NO_LOCK',
  'AMBER_S3_BUCKET_DEFAULT_RETENTION',
];
const RETENTION_MS = 4000;
const MIB = 1024 * 1024;

/** `export NAME=value` lines of the env file `.ci/ceph-rgw.sh up` writes, or why they are missing. */
function loadCephEnv(): Record<string, string> | string {
  const start = 'Start one with `.ci/ceph-rgw.sh up`, then run `npm run test:s3`.';
  if (!existsSync(ENV_FILE)) return `No Ceph RGW is up for the S3 tests: ${ENV_FILE} does not exist. ${start}`;
  const env: Record<string, string> = {};
  for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const match = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) env[match[1]] = (match[2] ?? '').replace(/^'(.*)'$/, '$1');
  }
  const missing = REQUIRED.filter((name) => (env[name] ?? '') === '');
  return missing.length === 0 ? env : `${ENV_FILE} lacks ${missing.join(', ')}. ${start}`;
}

/** Whole seconds: locks the suite asks for are then kept exactly (the driver rounds up to seconds). */
const secondsClock: Clock = {
  nowMs: () => Math.floor(systemClock.nowMs() / 1000) * 1000,
  monotonicMs: () => systemClock.monotonicMs(),
};

const loaded = loadCephEnv();
if (typeof loaded === 'string') {
  test('S3Store on Ceph RGW needs a running cluster', () => {
    assert.fail(loaded);
  });
} else {
  registerCephCases(loaded);
}

function registerCephCases(env: Record<string, string>): void {
  const freshPrefix = (label: string): string => `${label}-${randomBytes(6).toString('hex')}`;
  const configFor = (overrides: S3ConfigInput = {}): ReturnType<typeof s3ConfigFromEnv> =>
    s3ConfigFromEnv(env, { prefix: freshPrefix('case'), ...overrides });
  const storeFor = (overrides: S3ConfigInput = {}, options: S3StoreOptions = {}): S3Store =>
    new S3Store(configFor(overrides), systemClock, options);
  const raw: S3Client = createS3Client(s3ConfigFromEnv(env));
  const bucket = env['AMBER_S3_BUCKET'] ?? '';

  test('reaches the Ceph RGW of the env file', async () => {
    const store = storeFor();
    try {
      assert.equal(await store.has('nothing-here'), false);
    } finally {
      await store.close();
    }
  });

  runConformanceSuite(
    'S3Store on Ceph RGW',
    () => {
      const store = storeFor({ prefix: freshPrefix('conformance') });
      // Compliance-locked leftovers cannot be deleted; the cluster is thrown away after the run.
      return Promise.resolve({
        store,
        clock: secondsClock,
        advanceMs: (ms: number) => sleep(ms),
        cleanup: async () => {},
      });
    },
    { retentionMs: RETENTION_MS, concurrency: 6 },
  );

  const context: CephContext = { env, bucket, raw, storeFor, configFor };
  describe('S3Store on Ceph RGW: versions, multipart and governance', { concurrency: 4 }, () => {
    registerVersionCases(context);
    registerLockCases(context);
  });
  describe('S3Store on Ceph RGW: preflight and errors', { concurrency: 4 }, () => {
    registerPreflightCases(context);
  });
}

interface CephContext {
  readonly env: Record<string, string>;
  /** The bucket with Object Lock. */
  readonly bucket: string;
  /** A plain S3 client: what an attacker or an auditor with the same keys would use. */
  readonly raw: S3Client;
  /** A store under a fresh prefix of the lock bucket (or of overrides.bucket). */
  readonly storeFor: (overrides?: S3ConfigInput, options?: S3StoreOptions) => S3Store;
  readonly configFor: (overrides?: S3ConfigInput) => S3StoreConfig;
}

/** The key prefix inside the bucket of a store (`s3://bucket/prefix/` → `prefix/`). */
function prefixOf(store: S3Store): string {
  return store.location.replace(/^s3:\/\/[^/]+\//, '');
}

/** The bucket's versions and delete markers under a store's prefix, read with a plain S3 client. */
async function rawVersions(context: CephContext, store: S3Store): Promise<{ real: number; markers: number }> {
  const output = await context.raw.send(
    new ListObjectVersionsCommand({ Bucket: context.bucket, Prefix: prefixOf(store) }),
  );
  return { real: output.Versions?.length ?? 0, markers: output.DeleteMarkers?.length ?? 0 };
}

function fullKey(store: S3Store, key: string): string {
  return `${prefixOf(store)}${key}`;
}

function lockFor(mode: 'governance' | 'compliance', factor = 1): { mode: typeof mode; retainUntil: number } {
  return { mode, retainUntil: secondsClock.nowMs() + RETENTION_MS * factor };
}

function registerVersionCases(context: CephContext): void {
  const { storeFor, raw, bucket } = context;
  it('sets retention and legal hold on a multipart upload after completing it, and reads them back', async () => {
    const store = storeFor({}, { multipartThresholdBytes: 5 * MIB, partSizeBytes: 5 * MIB });
    const data = someBytes(11 * MIB + 3);
    const lock = lockFor('compliance', 2);
    await store.put('multi/object', data, { lock, legalHold: true });
    const counts = Object.fromEntries(store.requestCounts);
    assert.equal(counts['UploadPartCommand'], 3);
    assert.equal(counts['PutObjectRetentionCommand'], 1, 'retention set on the completed version');
    assert.equal(counts['PutObjectLegalHoldCommand'], 1);
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(store, 'multi/object') }));
    assert.equal(head.ObjectLockMode, 'COMPLIANCE');
    assert.equal(head.ObjectLockRetainUntilDate?.getTime(), lock.retainUntil);
    assert.equal(head.ObjectLockLegalHoldStatus, 'ON');
    assert.deepEqual(await store.get('multi/object'), data);
    assert.deepEqual(await store.getRange('multi/object', 5 * MIB - 2, 4), data.subarray(5 * MIB - 2, 5 * MIB + 2));
    await rejectsWithCode(store.delete('multi/object', { bypassGovernance: true }), 'LEGAL_HOLD_ACTIVE');
    await store.setLegalHold('multi/object', false);
    await rejectsWithCode(store.delete('multi/object', { bypassGovernance: true }), 'OBJECT_LOCKED');
    await store.close();
  });

  it('never lets a delete marker hide data from reads, lists, puts or deletes', async () => {
    const store = storeFor();
    const data = someBytes(1000);
    await store.put('marked/key', data);
    const key = fullKey(store, 'marked/key');
    await raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })); // a plain delete: only a marker
    await assert.rejects(raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), /NotFound/);
    assert.equal(await store.has('marked/key'), true);
    assert.deepEqual(await store.get('marked/key'), data);
    assert.deepEqual(await store.getRange('marked/key', 10, 20), data.subarray(10, 30));
    assert.equal((await store.stat('marked/key')).size, 1000);
    assert.deepEqual(await listKeys(store, ''), ['marked/key']);
    await rejectsWithCode(store.put('marked/key', someBytes(10)), 'ALREADY_EXISTS');
    await store.setLegalHold('marked/key', true);
    await store.setLock('marked/key', lockFor('governance'));
    assert.equal((await store.stat('marked/key')).legalHold, true);
    await store.setLegalHold('marked/key', false);
    await store.delete('marked/key', { bypassGovernance: true });
    assert.deepEqual(await rawVersions(context, store), { real: 0, markers: 0 }, 'every version and marker went');
    await store.close();
  });

  it('reads the version it wrote, whatever is put over it later; with asOf the view of that instant, read-only', async () => {
    const store = storeFor();
    const original = someBytes(100);
    await store.put('attacked', original);
    const asOf = systemClock.nowMs();
    await sleep(50);
    const key = fullKey(store, 'attacked');
    const forged = someBytes(7);
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: forged })); // an overwrite…
    await raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })); // …then a marker
    await store.put('later', someBytes(3));
    assert.deepEqual(await store.get('attacked'), original, 'the version Amber wrote, not the newer one');
    const fresh = new S3Store(context.configFor({ prefix: prefixOf(store) }), systemClock);
    assert.deepEqual(await fresh.get('attacked'), original, 'found again from the version list');
    assert.equal((await fresh.stat('attacked')).size, 100);
    assert.deepEqual(await fresh.getRange('attacked', 2, 3), original.subarray(2, 5));
    await fresh.close();
    const past = new S3Store(context.configFor({ prefix: prefixOf(store) }), systemClock, { asOf });
    assert.deepEqual(await past.get('attacked'), original);
    assert.deepEqual(await past.getRange('attacked', 1, 2), original.subarray(1, 3));
    assert.equal((await past.stat('attacked')).size, 100);
    assert.equal(await past.has('later'), false);
    assert.deepEqual(await listKeys(past, ''), ['attacked']);
    await rejectsWithCode(past.get('later'), 'NOT_FOUND');
    await rejectsWithCode(past.put('new', someBytes(1)), 'UNSUPPORTED');
    await rejectsWithCode(past.delete('attacked'), 'UNSUPPORTED');
    await rejectsWithCode(past.setLock('attacked', lockFor('governance')), 'UNSUPPORTED');
    await Promise.all([past.close(), store.close()]);
  });

  it('costs one request per read once the version is known, two version lists and the put per put', async (t) => {
    const store = storeFor();
    const measure = async (operation: () => Promise<unknown>): Promise<Record<string, number>> => {
      store.requestCounts.clear();
      await operation();
      return Object.fromEntries(store.requestCounts);
    };
    const lock = lockFor('governance');
    const put = await measure(() => store.put('counted', someBytes(1000), { lock }));
    assert.deepEqual(put, { ListObjectVersionsCommand: 2, PutObjectCommand: 1 });
    assert.deepEqual(await measure(() => store.get('counted')), { GetObjectCommand: 1 });
    assert.deepEqual(await measure(() => store.getRange('counted', 5, 5)), { GetObjectCommand: 1 });
    assert.deepEqual(await measure(() => store.stat('counted')), { HeadObjectCommand: 1 });
    assert.deepEqual(await measure(() => store.has('counted')), { ListObjectVersionsCommand: 1 });
    assert.deepEqual(await measure(() => store.setLegalHold('counted', false)), { PutObjectLegalHoldCommand: 1 });
    const extend = await measure(() => store.setLock('counted', lockFor('governance', 2)));
    assert.deepEqual(extend, { PutObjectRetentionCommand: 1 });
    // A lock change may replace the version (a copy): the next read looks the version up again, once.
    assert.deepEqual(await measure(() => store.get('counted')), { ListObjectVersionsCommand: 1, GetObjectCommand: 1 });
    assert.deepEqual(await measure(() => store.get('counted')), { GetObjectCommand: 1 });
    const removal = await measure(() => store.delete('counted', { bypassGovernance: true }));
    assert.deepEqual(removal, { ListObjectVersionsCommand: 1, DeleteObjectCommand: 1 });
    t.diagnostic(`requests: put ${JSON.stringify(put)}, delete ${JSON.stringify(removal)}`);
    await store.close();
  });
}

function registerLockCases(context: CephContext): void {
  const { storeFor, raw, bucket } = context;
  it('sends the governance bypass header only when the caller asks for it', async () => {
    const client = createS3Client(s3ConfigFromEnv(context.env));
    const bypassHeaders: boolean[] = [];
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (request?.headers !== undefined) bypassHeaders.push('x-amz-bypass-governance-retention' in request.headers);
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    const store = storeFor({}, { client });
    await store.put('gov', someBytes(8), { lock: lockFor('governance', 2) });
    await rejectsWithCode(store.delete('gov'), 'OBJECT_LOCKED');
    await rejectsWithCode(store.setLock('gov', lockFor('governance')), 'OBJECT_LOCKED');
    assert.ok(bypassHeaders.length > 0 && bypassHeaders.every((sent) => !sent), 'no bypass header unless asked');
    bypassHeaders.length = 0;
    await store.delete('gov', { bypassGovernance: true });
    assert.ok(bypassHeaders.includes(true), 'the version delete carried the bypass header');
    assert.equal(await store.has('gov'), false);
    await store.close();
    client.destroy();
  });

  it('keeps a compliance lock from deletion and shortening, through Amber and through plain S3', async () => {
    const store = storeFor();
    const lock = lockFor('compliance', 3);
    await store.put('comp', someBytes(8), { lock });
    await rejectsWithCode(store.delete('comp', { bypassGovernance: true }), 'OBJECT_LOCKED');
    await rejectsWithCode(store.setLock('comp', lockFor('compliance'), { bypassGovernance: true }), 'OBJECT_LOCKED');
    await rejectsWithCode(store.setLock('comp', undefined, { bypassGovernance: true }), 'OBJECT_LOCKED');
    const ids = { Bucket: bucket, Key: fullKey(store, 'comp') };
    const versionId = (await raw.send(new HeadObjectCommand(ids))).VersionId ?? '';
    const denied = (error: unknown): boolean => s3ErrorName(error) === 'AccessDenied';
    await assert.rejects(
      raw.send(new DeleteObjectCommand({ ...ids, VersionId: versionId, BypassGovernanceRetention: true })),
      denied,
    );
    const shorter = { Mode: 'COMPLIANCE' as const, RetainUntilDate: instant(lockFor('compliance').retainUntil) };
    const retention = { ...ids, VersionId: versionId, BypassGovernanceRetention: true };
    await assert.rejects(raw.send(new PutObjectRetentionCommand({ ...retention, Retention: shorter })), denied);
    const governance = { Mode: 'GOVERNANCE' as const, RetainUntilDate: instant(lockFor('governance', 5).retainUntil) };
    await assert.rejects(raw.send(new PutObjectRetentionCommand({ ...retention, Retention: governance })), denied);
    assert.deepEqual((await store.stat('comp')).lock, lock);
    await store.close();
  });

  it('removes a governance lock with bypass by replacing the version, keeping its legal hold', async () => {
    const store = storeFor();
    await store.put('held', someBytes(64), { lock: lockFor('governance', 2), legalHold: true });
    await store.setLock('held', undefined, { bypassGovernance: true });
    assert.deepEqual(await store.stat('held'), { key: 'held', size: 64, legalHold: true });
    assert.deepEqual(await rawVersions(context, store), { real: 1, markers: 0 });
    await rejectsWithCode(store.delete('held'), 'LEGAL_HOLD_ACTIVE');
    await store.setLegalHold('held', false);
    await store.delete('held');
    await store.close();
  });

  it('lets one of concurrent locked puts win and removes the losing versions', async () => {
    const store = storeFor();
    const candidates = Array.from({ length: 6 }, () => someBytes(1024));
    const lock = lockFor('governance', 2);
    const outcomes = await Promise.allSettled(candidates.map((data) => store.put('raced', data, { lock })));
    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    assert.equal(winners.length, 1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.ok(isAmberError(outcome.reason, 'ALREADY_EXISTS'));
    }
    assert.deepEqual(await store.get('raced'), candidates[winners[0] ?? -1]);
    assert.deepEqual(await rawVersions(context, store), { real: 1, markers: 0 });
    await store.delete('raced', { bypassGovernance: true });
    await store.close();
  });
}

function registerPreflightCases(context: CephContext): void {
  const { storeFor, raw, env } = context;
  const failedChecks = async (store: S3Store): Promise<unknown> => {
    try {
      const error = await rejectsWithCode(preflightS3(store), 'STORAGE_PREFLIGHT_FAILED');
      return { checks: error.details['failedChecks'], message: error.message };
    } finally {
      await store.close();
    }
  };

  it('passes the preflight on a bucket with Object Lock and no default retention, leaving nothing', async () => {
    const store = storeFor();
    const report = await preflightS3(store);
    assert.deepEqual(
      report.checks.filter((check) => !check.ok),
      [],
    );
    assert.equal(report.checks.length, 9);
    assert.deepEqual(await listKeys(store, ''), []);
    assert.deepEqual(await rawVersions(context, store), { real: 0, markers: 0 }, 'the probe objects are gone');
    await store.close();
  });

  it('refuses a bucket without versioning, one without Object Lock, and a missing one', async () => {
    const noVersioning = await failedChecks(storeFor({ bucket: env['AMBER_S3_BUCKET_NO_LOCK'] ?? '' }));
    assert.deepEqual((noVersioning as { checks: unknown }).checks, ['versioning enabled']);
    const versioned = `amber-versioned-${randomBytes(4).toString('hex')}`;
    await raw.send(new CreateBucketCommand({ Bucket: versioned }));
    await raw.send(
      new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const noLock = (await failedChecks(storeFor({ bucket: versioned }))) as { checks: unknown; message: string };
    assert.deepEqual(noLock.checks, ['object lock enabled']);
    assert.match(noLock.message, /Object Lock is not enabled/);
    const missing = await failedChecks(storeFor({ bucket: `amber-missing-${randomBytes(4).toString('hex')}` }));
    assert.deepEqual((missing as { checks: unknown }).checks, ['bucket exists']);
  });

  it('refuses a bucket with a default retention and says why', async () => {
    const store = storeFor({ bucket: env['AMBER_S3_BUCKET_DEFAULT_RETENTION'] ?? '' });
    const outcome = (await failedChecks(store)) as { checks: unknown; message: string };
    assert.deepEqual(outcome.checks, ['no default retention']);
    assert.match(outcome.message, /default retention \(GOVERNANCE, 1 days\)/);
    assert.match(outcome.message, /point expires in a vault with immutability disabled/);
  });

  it('maps what the server refuses to storage codes', async () => {
    const wrongKey = storeFor({ secretAccessKey: 'not-the-secret-key-at-all-0123456789abcd' });
    await rejectsWithCode(wrongKey.has('x'), 'STORAGE_ACCESS_DENIED');
    const missing = storeFor({ bucket: `amber-missing-${randomBytes(4).toString('hex')}` });
    await rejectsWithCode(missing.put('x', someBytes(1)), 'STORAGE_MISCONFIGURED');
    const noLock = storeFor({ bucket: env['AMBER_S3_BUCKET_NO_LOCK'] ?? '' });
    await rejectsWithCode(noLock.put('x', someBytes(1), { lock: lockFor('governance') }), 'STORAGE_MISCONFIGURED');
    await Promise.all([wrongKey.close(), missing.close(), noLock.close()]);
  });
}
