/**
 * Disaster recovery of S3 vaults on Ceph RGW, through the `amber` CLI: with every local file gone
 * (catalog, files cache — the bucket and the passphrase are all that is left), `amber catalog rebuild
 * --vault s3://…` brings every point back and restores are bit-exact; an attacker holding the vault's
 * S3 credentials who hides objects behind delete markers hides nothing, and one who puts new versions
 * over a manifest and a pack never gets wrong data restored — `--as-of` a time before the attack shows
 * and restores the originals. The server flavour: `POST /api/v1/vaults` with `kind: 's3'` on a real
 * `amber server` (preflight in the answer, a bucket with default retention refused), backups through
 * the server, then the whole server data directory thrown away but the vault's passphrase.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseIso, systemClock, toIso } from '../core/clock.js';
import { asPointId, objectKeys } from '../core/ids.js';
import { lockUntilFor } from '../core/retention/lock-generation.js';
import { Repository } from '../engine/repository.js';
import { S3Store } from '../storage/s3-store.js';
import { amberJson, amberOk, type AmberRunOptions } from './testing/amber-cli.js';
import { apiAs, assertError, startServerProcess, type ServerProcess } from './testing/amber-server.js';
import {
  amberS3Env,
  attacks,
  freshPrefix,
  plainS3Client,
  s3ConfigFor,
  s3ErrorCode,
  s3Url,
  withCeph,
} from './testing/ceph-env.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { diffTrees, snapshotTree, subtree, type TreeSnapshot } from './testing/tree-snapshot.js';

interface PointJson {
  id: string;
  item: string;
  createdAt: string;
  retainUntil: string;
  lockMode: string;
}

/** The vault's default lock generation: storage locks end on 10-day boundaries. */
const LOCK_GENERATION_DAYS = 10;

/** One backup's source, as it was when the backup ran. */
interface Backed {
  readonly id: string;
  readonly root: string;
  readonly snapshot: TreeSnapshot;
}

/** Restores `point` (with extra arguments such as --as-of) into a new directory and compares it with its source. */
async function restoreMatches(run: AmberRunOptions, base: string, point: Backed, ...extra: string[]): Promise<void> {
  const target = path.join(base, `restore-${randomBytes(4).toString('hex')}`);
  await amberOk(['restore', point.id, '--target', target, ...extra], run);
  const restored = subtree(await snapshotTree(target), point.root.slice(1));
  assert.deepEqual(diffTrees(point.snapshot, restored), [], `point ${point.id.slice(0, 12)} restores bit-exactly`);
  await rm(target, { recursive: true, force: true });
}

/** Points as the CLI lists them, by id. */
async function pointsById(run: AmberRunOptions, ...args: string[]): Promise<Map<string, PointJson>> {
  const points = await amberJson<PointJson[]>(['points', '--json', ...args], run);
  return new Map(points.map((p) => [p.id, p]));
}

/**
 * The same points: ids, items, creation times and lock modes exactly; retainUntil never shorter, and
 * at most the lock generation's rounding longer (a rebuilt catalog reads it from the storage lock).
 */
function assertSamePoints(actual: ReadonlyMap<string, PointJson>, expected: ReadonlyMap<string, PointJson>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [id, want] of expected) {
    const got = actual.get(id) as PointJson;
    assert.deepEqual([got.item, got.createdAt, got.lockMode], [want.item, want.createdAt, want.lockMode], id);
    const wanted = parseIso(want.retainUntil) ?? NaN;
    const until = parseIso(got.retainUntil) ?? NaN;
    const rounded = lockUntilFor(wanted, { generationDays: LOCK_GENERATION_DAYS });
    assert.ok(until >= wanted && until <= rounded, `${id}: retainUntil ${got.retainUntil} vs ${want.retainUntil}`);
  }
}

withCeph('disaster recovery of S3 vaults', (ceph) => {
  describe('disaster recovery from the bucket alone, and attacks with the vault credentials', () => {
    let base: string;
    let src: string;
    let prefix: string;
    let vault: string;
    let plain: S3Client;
    let originalPoints: Map<string, PointJson>;
    const backed: Backed[] = [];
    /** A fresh cache directory each time: no catalog, no files cache, nothing local. */
    const fresh = (): AmberRunOptions => ({
      env: {
        ...amberS3Env(ceph),
        AMBER_PASSWORD: 'disaster recovery passphrase',
        AMBER_CACHE_DIR: path.join(base, `cache-${randomBytes(4).toString('hex')}`),
        AMBER_VAULT: vault,
      },
    });
    let run: AmberRunOptions;

    const backup = async (item: string, root: string): Promise<Backed> => {
      const id = (await amberOk(['backup', '--item', item], run)).stdout.trim();
      const point = { id, root, snapshot: await snapshotTree(root) };
      backed.push(point);
      return point;
    };

    before(async () => {
      base = await makeTempDir('s3-dr');
      src = path.join(base, 'src');
      await mkdir(path.join(src, 'logs'), { recursive: true });
      await writeFile(path.join(src, 'a.txt'), 'first\n');
      await writeFile(path.join(src, 'logs', 'app.log'), randomBytes(300_000));
      plain = plainS3Client(ceph);
      prefix = freshPrefix('dr');
      vault = s3Url(ceph, prefix);
      run = fresh();
      await amberOk(['init', vault], run);
      await amberOk(['policy', 'create', 'p30', '--keep', '30'], run);
      await amberOk(['policy', 'create', 'p7', '--keep', '7'], run);
      await amberOk(['item', 'add', 'home', '--policy', 'p30', '--path', src], run);
      await amberOk(['item', 'add', 'logs', '--policy', 'p7', '--path', path.join(src, 'logs')], run);
      await backup('home', src);
      await writeFile(path.join(src, 'logs', 'app.log.1'), randomBytes(200_000));
      await backup('logs', path.join(src, 'logs'));
      await amberOk(['vault', 'immutability', 'enable'], run);
      await writeFile(path.join(src, 'b.txt'), 'second\n');
      await backup('home', src);
      originalPoints = await pointsById(run);
      assert.equal(originalPoints.size, 3);
    });

    after(async () => {
      plain?.destroy();
      if (base !== undefined) await removeTree(base);
    });

    test('with every local file gone, catalog rebuild brings back every point, policy and item; restores are bit-exact', async (t) => {
      await rm(run.env?.['AMBER_CACHE_DIR'] ?? '', { recursive: true, force: true });
      run = fresh();
      assert.deepEqual(await amberJson(['catalog', 'rebuild', '--json'], run), { points: 3 });
      const rebuilt = await pointsById(run);
      assertSamePoints(rebuilt, originalPoints);
      for (const [id, point] of rebuilt) {
        const was = originalPoints.get(id)?.retainUntil;
        if (point.retainUntil !== was)
          t.diagnostic(`${id.slice(0, 12)}: retainUntil ${String(was)} → ${point.retainUntil} (lock generation)`);
      }
      const policies = await amberJson<{ name: string }[]>(['policy', 'list', '--json'], run);
      assert.deepEqual(policies.map((p) => p.name).sort(), ['p30', 'p7']);
      const items = await amberJson<{ name: string; policy: string }[]>(['item', 'list', '--json'], run);
      assert.deepEqual(items.map((i) => `${i.name}:${i.policy}`).sort(), ['home:p30', 'logs:p7']);
      for (const point of backed) await restoreMatches(run, base, point);
    });

    let beforeAttackAt = 0;

    test('delete markers over a manifest, a pack, the header and a key envelope hide nothing', async () => {
      // Version timestamps come from the storage's clock (same host): keep the attack clear of the backups.
      await sleep(1100);
      beforeAttackAt = systemClock.nowMs();
      await sleep(1100);
      const first = backed[0] as Backed;
      const keys = await storedKeys(first.id);
      for (const key of [`points/${first.id}`, keys.pack, 'amber.vault', keys.envelope]) {
        await attacks.deleteMarker(plain, ceph.bucket, prefix + key);
      }
      const head = plain.send(new HeadObjectCommand({ Bucket: ceph.bucket, Key: `${prefix}points/${first.id}` }));
      assert.equal(await head.then(() => 'found', s3ErrorCode), 'NotFound', 'a plain client no longer sees it');
      run = fresh();
      assert.deepEqual(await amberJson(['catalog', 'rebuild', '--json'], run), { points: 3 });
      assertSamePoints(await pointsById(run), originalPoints);
      await restoreMatches(run, base, first);
    });

    test('new versions put over a manifest and a pack change nothing Amber reads; --as-of still shows the past', async () => {
      const third = backed[2] as Backed;
      const keys = await storedKeys(third.id);
      await attacks.overwrite(plain, ceph.bucket, `${prefix}points/${third.id}`, randomBytes(600));
      await attacks.overwrite(plain, ceph.bucket, prefix + keys.pack, randomBytes(4096));
      run = fresh();
      // Reads take the version Amber wrote (the oldest): the attacker's versions are ignored.
      await restoreMatches(run, base, third);
      assert.deepEqual(await amberJson(['catalog', 'rebuild', '--json'], run), { points: 3 });
      assertSamePoints(await pointsById(run), originalPoints);
      // A new backup deduplicates against the attacked pack, and still restores bit-exactly.
      await writeFile(path.join(src, 'c.txt'), 'after the attack\n');
      const after = await backup('home', src);
      await restoreMatches(run, base, after);
      const asOf = ['--as-of', toIso(beforeAttackAt)];
      assertSamePoints(await pointsById(run, ...asOf), originalPoints);
      const listed = await amberJson<{ path: string }[]>(['ls', third.id, '--json', ...asOf], run);
      assert.ok(
        listed.some((entry) => entry.path.endsWith('/b.txt')),
        JSON.stringify(listed),
      );
      for (const point of backed.slice(0, 3)) await restoreMatches(run, base, point, ...asOf);
    });

    /** A pack of a point (from its manifest, read with Amber's own decoder) and a key envelope of the vault. */
    async function storedKeys(pointId: string): Promise<{ pack: string; envelope: string }> {
      const store = new S3Store(s3ConfigFor(ceph, prefix), systemClock);
      try {
        const repo = await Repository.open(store, String(run.env?.['AMBER_PASSWORD']));
        const { body } = await repo.loadPoint(asPointId(pointId));
        const packId = body.packIds[body.packIds.length - 1];
        assert.ok(packId !== undefined, 'the point has packs');
        return { pack: objectKeys.pack(packId), envelope: objectKeys.key(repo.openedKeyId) };
      } finally {
        await store.close();
      }
    }
  });

  describe('amber server: an S3 vault, and recovery with nothing but its passphrase', () => {
    let base: string;
    let server: ServerProcess | undefined;
    let prefix: string;
    let passphraseCopy: string;
    const backed: Backed[] = [];
    let listed: Map<string, PointJson>;

    before(async () => {
      base = await makeTempDir('s3-server-dr');
      server = await startServerProcess({
        dataDir: path.join(base, 'data'),
        env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      prefix = freshPrefix('server');
    });

    after(async () => {
      await server?.stop();
      if (base !== undefined) await removeTree(base);
    });

    const s3Settings = (bucket: string): Record<string, string> => ({
      endpoint: ceph.endpoint,
      region: ceph.region,
      bucket,
      prefix,
      accessKeyId: ceph.accessKeyId,
      secretAccessKey: ceph.secretAccessKey,
    });

    test('POST /api/v1/vaults creates an S3 vault after its preflight, and refuses a bucket with default retention', async () => {
      const admin = apiAs((server as ServerProcess).url, (server as ServerProcess).adminToken);
      const created = await admin<{ kind: string; preflight: { checks: { name: string; ok: boolean }[] } }>(
        'POST',
        '/api/v1/vaults',
        { name: 'offsite', kind: 's3', s3: s3Settings(ceph.bucket) },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.kind, 's3');
      const checks = created.body.preflight.checks;
      assert.ok(checks.length >= 9 && checks.every((c) => c.ok), JSON.stringify(checks));
      assert.ok(checks.some((c) => c.name === 'no default retention'));
      const refused = await admin('POST', '/api/v1/vaults', {
        name: 'defaulted',
        kind: 's3',
        s3: s3Settings(ceph.bucketWithDefaultRetention),
      });
      const error = assertError(refused, 400, 'STORAGE_PREFLIGHT_FAILED');
      assert.match(error.message, /default retention \(GOVERNANCE, 1 days\)/);
      const vaults = await admin<{ name: string }[]>('GET', '/api/v1/vaults');
      assert.ok(!vaults.body.some((v) => v.name === 'defaulted'));
    });

    test('backups through the server land in the bucket; with the server data gone, the passphrase and bucket restore them', async () => {
      const srv = server as ServerProcess;
      const admin = apiAs(srv.url, srv.adminToken);
      passphraseCopy = path.join(base, 'offsite.passphrase');
      await writeFile(passphraseCopy, await readFile(path.join(srv.dataDir, 'secrets', 'offsite.passphrase')));
      const passphrase = (await readFile(passphraseCopy, 'utf8')).trim();
      const src = path.join(base, 'src');
      await mkdir(src, { recursive: true });
      await writeFile(path.join(src, 'one.txt'), 'through the server\n');
      const client: AmberRunOptions = {
        env: {
          ...amberS3Env(ceph),
          AMBER_SERVER: srv.url,
          AMBER_TOKEN: srv.adminToken,
          AMBER_PASSWORD: passphrase,
          AMBER_CACHE_DIR: path.join(base, 'client-cache'),
        },
      };
      const backupOne = async (): Promise<void> => {
        const id = (await amberOk(['backup', src, '--vault', 'offsite'], client)).stdout.trim();
        backed.push({ id, root: src, snapshot: await snapshotTree(src) });
      };
      await backupOne();
      assert.equal((await admin('POST', '/api/v1/vaults/offsite/immutability/enable')).status, 200);
      await writeFile(path.join(src, 'two.bin'), randomBytes(250_000));
      await backupOne();
      listed = await pointsById(client, '--vault', 'offsite');
      assert.equal(listed.size, 2);

      await srv.stop();
      server = undefined;
      await rm(path.join(base, 'data'), { recursive: true, force: true });
      await rm(path.join(base, 'client-cache'), { recursive: true, force: true });
      const recovery: AmberRunOptions = {
        env: {
          ...amberS3Env(ceph),
          AMBER_SERVER: undefined,
          AMBER_TOKEN: undefined,
          AMBER_PASSWORD: undefined,
          AMBER_CACHE_DIR: path.join(base, 'recovery-cache'),
        },
      };
      const vault = s3Url(ceph, prefix);
      const rebuilt = await amberJson(
        ['catalog', 'rebuild', '--vault', vault, '--password-file', passphraseCopy, '--json'],
        recovery,
      );
      assert.deepEqual(rebuilt, { points: 2 });
      assertSamePoints(await pointsById(recovery, '--vault', vault, '--password-file', passphraseCopy), listed);
      for (const point of backed) {
        await restoreMatches(recovery, base, point, '--vault', vault, '--password-file', passphraseCopy);
      }
    });
  });
});
