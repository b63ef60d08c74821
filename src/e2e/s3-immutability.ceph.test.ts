/**
 * Immutable vaults on Ceph RGW through the `amber` CLI (separate processes, `--vault s3://BUCKET/PREFIX`,
 * real clock, AMBER_MIN_COOLING_OFF=0s): init with its preflight; backups under a policy; enabling
 * immutability puts GOVERNANCE retention on every object, locking turns it into COMPLIANCE (both read
 * with a plain S3 client); refusals exit 10 with their codes; legal holds reach S3; maintenance; and a
 * disabled vault whose point and vault deletions really remove every version from the bucket.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { MS_PER_DAY, parseIso } from '../core/clock.js';
import {
  amberJson,
  amberOk,
  describeRun,
  runAmber,
  stackLines,
  type AmberRunOptions,
  type CliRun,
} from './testing/amber-cli.js';
import {
  amberS3Env,
  freshPrefix,
  legalHoldOf,
  listAllVersions,
  lockModesUnder,
  plainS3Client,
  s3Url,
  withCeph,
  type CephEnv,
} from './testing/ceph-env.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { diffTrees, snapshotTree, subtree } from './testing/tree-snapshot.js';

interface VaultJson {
  state: string;
  storageLockMode: string;
}

interface PointJson {
  id: string;
  createdAt: string;
  retainUntil: string;
  lockMode: string;
  legalHold: boolean;
}

/** Asserts exit code, the `amber: <sentence>. [CODE]` line, and no stack trace; returns stderr. */
function assertRefused(args: readonly string[], run: CliRun, exitCode: number, code: string): string {
  const account = describeRun(args, run);
  assert.equal(run.code, exitCode, account);
  assert.match(run.stderr, new RegExp(`^amber: .+ \\[${code}\\]$`, 'm'), account);
  assert.deepEqual(stackLines(run.stderr), [], account);
  return run.stderr;
}

/** A scratch directory with a small source tree, and the environment of `amber` processes on Ceph. */
async function scratch(ceph: CephEnv, label: string): Promise<{ base: string; src: string; run: AmberRunOptions }> {
  const base = await makeTempDir(label);
  const src = path.join(base, 'src');
  await mkdir(path.join(src, 'docs'), { recursive: true });
  await writeFile(path.join(src, 'docs', 'a.txt'), 'alpha\n');
  await writeFile(path.join(src, 'b.bin'), Buffer.alloc(100_000, 9));
  const env = {
    ...amberS3Env(ceph),
    AMBER_PASSWORD: `${label} passphrase`,
    AMBER_CACHE_DIR: path.join(base, 'cache'),
    AMBER_MIN_COOLING_OFF: '0s',
    AMBER_VAULT: undefined,
  };
  return { base, src, run: { env } };
}

withCeph('amber CLI: immutable S3 vaults', (ceph) => {
  describe('amber CLI: immutable S3 vaults on Ceph RGW', () => {
    let base: string;
    let src: string;
    let run: AmberRunOptions;
    let prefix: string;
    let vault: string;
    let plain: S3Client;
    let pointId: string;
    let point: PointJson;

    const amber = (...args: string[]): Promise<CliRun> => runAmber([...args, '--vault', vault], run);
    const json = <T>(...args: string[]): Promise<T> => amberJson<T>([...args, '--vault', vault, '--json'], run);
    const refused = async (exitCode: number, code: string, ...args: string[]): Promise<string> =>
      assertRefused(args, await amber(...args), exitCode, code);
    const modes = async (): Promise<Set<string | undefined>> =>
      new Set((await lockModesUnder(plain, ceph.bucket, prefix)).values());

    before(async () => {
      ({ base, src, run } = await scratch(ceph, 's3-immutability'));
      plain = plainS3Client(ceph);
      prefix = freshPrefix('cli-immutability');
      vault = s3Url(ceph, prefix);
      const created = await amberJson<{ vaultId: string; location: string }>(['init', vault, '--json'], run);
      assert.equal(created.location, vault);
      await amberOk(['policy', 'create', 'p30', '--keep', '30', '--vault', vault], run);
      await amberOk(['item', 'add', 'docs', '--policy', 'p30', '--path', src, '--vault', vault], run);
      pointId = (await amberOk(['backup', '--item', 'docs', '--vault', vault], run)).stdout.trim();
    });

    after(async () => {
      plain?.destroy();
      if (base !== undefined) await removeTree(base);
    });

    test('init runs the preflight: a bucket with a default retention or without Object Lock is refused', async () => {
      const defaultRetention = s3Url(ceph, freshPrefix('refused'), ceph.bucketWithDefaultRetention);
      let stderr = assertRefused(
        ['init'],
        await runAmber(['init', defaultRetention], run),
        1,
        'STORAGE_PREFLIGHT_FAILED',
      );
      assert.match(stderr, /no default retention: the bucket has a default retention \(GOVERNANCE, 1 days\)/);
      const noLock = s3Url(ceph, freshPrefix('refused'), ceph.bucketWithoutLock);
      stderr = assertRefused(['init'], await runAmber(['init', noLock], run), 1, 'STORAGE_PREFLIGHT_FAILED');
      assert.match(stderr, /versioning enabled: versioning is off/);
      assertRefused(['init'], await runAmber(['init', vault], run), 1, 'VAULT_EXISTS');
    });

    test('a vault with immutability disabled puts its objects without retention', async () => {
      assert.deepEqual([...(await modes())], [undefined]);
      assert.equal((await json<PointJson[]>('points'))[0]?.lockMode, 'none');
    });

    test('enabling immutability puts GOVERNANCE retention on every object, old and new', async () => {
      const enabled = await json<VaultJson>('vault', 'immutability', 'enable');
      assert.deepEqual([enabled.state, enabled.storageLockMode], ['enabled', 'governance']);
      point = (await json<PointJson[]>('points'))[0] as PointJson;
      assert.equal(point.lockMode, 'governance');
      assert.deepEqual([...(await modes())], ['GOVERNANCE']);
    });

    test('deleting a retained point is refused (exit 10) and with --bypass-governance needs an approval (exit 12)', async () => {
      const stderr = await refused(10, 'RETENTION_ACTIVE', 'points', 'delete', pointId);
      assert.ok(stderr.includes(point.retainUntil), `names ${point.retainUntil}: ${stderr}`);
      await refused(12, 'APPROVAL_REQUIRED', 'points', 'delete', pointId.slice(0, 12), '--bypass-governance');
    });

    test('a legal hold reaches S3 and blocks deletion until released', async () => {
      const manifest = `${prefix}points/${pointId}`;
      await amberOk(['hold', 'set', pointId, '--reason', 'case 7', '--vault', vault], run);
      assert.equal(await legalHoldOf(plain, ceph.bucket, manifest), true);
      assert.equal((await json<PointJson[]>('points'))[0]?.legalHold, true);
      await refused(10, 'LEGAL_HOLD_ACTIVE', 'points', 'delete', pointId, '--bypass-governance');
      await amberOk(['hold', 'release', pointId, '--vault', vault], run);
      assert.equal(await legalHoldOf(plain, ceph.bucket, manifest), false);
      assert.equal((await json<PointJson[]>('points'))[0]?.legalHold, false);
    });

    test('reducing retention, stopping with data deletion and lowering guardrails are refused: exit 10', async () => {
      await refused(10, 'RETENTION_REDUCTION_BLOCKED', 'policy', 'update', 'p30', '--keep', '7');
      await amberOk(['policy', 'update', 'p30', '--keep', '31', '--vault', vault], run);
      await refused(10, 'UNEXPIRED_POINTS_EXIST', 'item', 'stop', 'docs', '--delete-data');
      await amberOk(['vault', 'set', '--min-retention', '10', '--vault', vault], run);
      await refused(10, 'RETENTION_REDUCTION_BLOCKED', 'vault', 'set', '--min-retention', 'none');
    });

    test('maintenance runs on S3: nothing expires, every lock holds', async () => {
      const dry = await json<{ dryRun: boolean; expiredPoints: string[] }>('maintenance', 'run', '--dry-run');
      assert.deepEqual([dry.dryRun, dry.expiredPoints], [true, []]);
      const report = await json<{ expiredPoints: string[]; deletedPacks: string[] }>('maintenance', 'run');
      assert.deepEqual([report.expiredPoints, report.deletedPacks], [[], []]);
      assert.deepEqual([...(await modes())], ['GOVERNANCE']);
    });

    test('locking (cooling-off 0s, --yes) turns every object to COMPLIANCE; disable and bypass are refused', async () => {
      await refused(2, 'CONFIRMATION_REQUIRED', 'vault', 'immutability', 'lock', '--cooling-off', '0s');
      const locked = await json<VaultJson>('vault', 'immutability', 'lock', '--cooling-off', '0s', '--yes');
      assert.deepEqual([locked.state, locked.storageLockMode], ['locked', 'compliance']);
      assert.deepEqual([...(await modes())], ['COMPLIANCE']);
      await refused(10, 'VAULT_LOCKED', 'vault', 'immutability', 'disable');
      const stderr = await refused(10, 'RETENTION_ACTIVE', 'points', 'delete', pointId, '--bypass-governance');
      assert.match(stderr, /locked \(compliance mode\)/);
      const points = await json<PointJson[]>('points');
      assert.equal(points[0]?.lockMode, 'compliance');
      const retained = (parseIso(points[0]?.retainUntil ?? '') ?? 0) - (parseIso(point.createdAt) ?? 0);
      assert.ok(retained >= 31 * MS_PER_DAY, 'extended to the 31-day policy');
    });

    test('a backup after the lock is COMPLIANCE at once, and both points restore bit-exactly', async () => {
      await writeFile(path.join(src, 'docs', 'c.txt'), 'after the lock\n');
      const second = (await amberOk(['backup', '--item', 'docs', '--vault', vault], run)).stdout.trim();
      assert.deepEqual([...(await modes())], ['COMPLIANCE']);
      const target = path.join(base, 'restore');
      await amberOk(['restore', second, '--target', target, '--vault', vault], run);
      assert.deepEqual(diffTrees(await snapshotTree(src), subtree(await snapshotTree(target), src.slice(1))), []);
      await amberOk(['restore', pointId, '--target', path.join(base, 'restore-first'), '--vault', vault], run);
    });

    test('deleting the vault is refused while points are retained: exit 10', async () => {
      await refused(10, 'UNEXPIRED_POINTS_EXIST', 'vault', 'delete', '--yes');
      assert.equal((await json<PointJson[]>('points')).length, 2);
    });

    test('audit list holds every refusal with its code', async () => {
      const events = await json<{ action: string; outcome: string; code?: string }[]>('audit', 'list');
      const refusals = new Set(events.filter((e) => e.outcome === 'refused').map((e) => `${e.action} ${e.code ?? ''}`));
      for (const expected of [
        'point.delete RETENTION_ACTIVE',
        'point.delete APPROVAL_REQUIRED',
        'point.delete LEGAL_HOLD_ACTIVE',
        'policy.update RETENTION_REDUCTION_BLOCKED',
        'item.stop UNEXPIRED_POINTS_EXIST',
        'immutability.disable VAULT_LOCKED',
        'vault.delete UNEXPIRED_POINTS_EXIST',
      ]) {
        assert.ok(refusals.has(expected), `${expected} is in the audit trail: ${[...refusals].join(', ')}`);
      }
    });
  });

  describe('amber CLI: a disabled S3 vault deletes for real', () => {
    let base: string;
    let run: AmberRunOptions;
    let prefix: string;
    let vault: string;
    let plain: S3Client;

    before(async () => {
      let src: string;
      ({ base, src, run } = await scratch(ceph, 's3-deletion'));
      plain = plainS3Client(ceph);
      prefix = freshPrefix('cli-deletion');
      vault = s3Url(ceph, prefix);
      await amberOk(['init', vault], run);
      await amberOk(['backup', src, '--vault', vault], run);
    });

    after(async () => {
      plain?.destroy();
      if (base !== undefined) await removeTree(base);
    });

    test('points delete, maintenance and vault delete remove every version and leave no delete marker', async () => {
      const [point] = await amberJson<PointJson[]>(['points', '--vault', vault, '--json'], run);
      assert.ok(point !== undefined);
      await amberOk(['points', 'delete', point.id, '--vault', vault], run);
      let listed = await listAllVersions(plain, ceph.bucket, `${prefix}points/`);
      assert.deepEqual([listed.versions.length, listed.markers.length], [0, 0], 'the manifest is gone, not hidden');
      const report = await amberJson<{ deletedPacks: string[] }>(
        ['maintenance', 'run', '--vault', vault, '--json'],
        run,
      );
      assert.ok(report.deletedPacks.length > 0, 'GC removed the packs');
      assert.deepEqual(
        (await listAllVersions(plain, ceph.bucket, `${prefix}packs/`)).versions.map((v) => v.Key),
        [],
      );
      await amberOk(['vault', 'delete', '--yes', '--vault', vault], run);
      listed = await listAllVersions(plain, ceph.bucket, prefix);
      assert.deepEqual(
        listed.versions.map((v) => v.Key).filter((key) => !(key ?? '').includes('/.amber-probe/')),
        [],
        'no version of any object is left',
      );
      assert.deepEqual(listed.markers, []);
      assertRefused(['points'], await runAmber(['points', '--vault', vault], run), 1, 'VAULT_NOT_FOUND');
    });
  });
});
