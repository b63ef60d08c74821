/**
 * A locked (compliance) vault on Ceph RGW, judged from outside Amber: after backups made while the
 * vault was disabled, enabled and locked, EVERY object the points need — manifests, packs, index
 * segments, the header, key envelopes and the settings journal — carries COMPLIANCE retention until at
 * least the retainUntil of every point that needs it, as a plain S3 client (the AWS SDK with the
 * vault's own credentials, not Amber's driver) reads it with GetObjectRetention; and deleting or
 * shortening any of those versions with those credentials is refused by the storage. Which objects a
 * point needs comes from its manifest (Amber's own decoder) and is cross-checked against a listing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectRetentionCommand,
  type ObjectVersion,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MS_PER_DAY, toIso } from '../core/clock.js';
import type { PointRow } from '../catalog/point-row.js';
import { instant } from '../storage/s3-upload.js';
import { freshPrefix, listAllVersions, plainS3Client, retentionOf, s3ErrorCode, withCeph } from './testing/ceph-env.js';
import { openS3TestVault, type S3TestVault } from './testing/s3-vault.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { restoredContents, snapshotContents } from '../vault/testing/vault-fixture.js';

const MIB = 1024 * 1024;
const PASSPHRASE = 'locked s3 vault';

withCeph('a locked S3 vault checked through a plain S3 client', (ceph) => {
  describe('a locked (compliance) S3 vault, checked through a plain S3 client', () => {
    let base: string;
    let src: string;
    let s3: S3TestVault;
    let plain: S3Client;
    /** Source snapshots by point id, taken when each backup ran. */
    const expected = new Map<string, Map<string, string>>();
    /** Every object key (bucket key) a point needs → the latest retainUntil among those points. */
    let needs: Map<string, number>;
    let versions: ObjectVersion[];

    before(async () => {
      base = await makeTempDir('s3-locked');
      src = path.join(base, 'src');
      plain = plainS3Client(ceph);
      s3 = await openS3TestVault({ ceph, prefix: freshPrefix('locked'), base, passphrase: PASSPHRASE }, true);
      await makeBackups();
      needs = await neededObjects();
      versions = (await listAllVersions(plain, ceph.bucket, s3.prefix)).versions;
    });

    after(async () => {
      await s3?.vault.close();
      plain?.destroy();
      if (base !== undefined) await removeTree(base);
    });

    /** Backups in every state: disabled, enabled (governance), then locked (compliance), two items. */
    async function makeBackups(): Promise<void> {
      const { vault } = s3;
      await vault.createPolicy({ name: 'p30', retention: { kind: 'simple', keepDays: 30 } });
      await vault.createPolicy({ name: 'p90', retention: { kind: 'simple', keepDays: 90 } });
      await writeSource({ 'docs/a.txt': 'alpha\n', 'big-1.bin': randomBytes(20 * MIB), 'big-2.bin': randomBytes(MIB) });
      await vault.addItem({ name: 'docs', policy: 'p30', paths: [src] });
      await vault.addItem({ name: 'more', policy: 'p90', paths: [path.join(src, 'docs')] });
      await backup('docs');
      await vault.enableImmutability();
      await backup('more');
      await writeSource({ 'docs/a.txt': 'alpha 2\n', 'big-1.bin': randomBytes(3 * MIB), 'c.bin': randomBytes(MIB) });
      await backup('docs');
      const locked = await vault.lockImmutability({ coolingOffMs: 0, confirmedIrreversible: true });
      assert.equal(locked.state, 'locked');
      await writeSource({ 'docs/a.txt': 'alpha 3\n', 'big-1.bin': randomBytes(2 * MIB), 'd.bin': randomBytes(MIB) });
      await backup('docs');
      await backup('more');
    }

    async function writeSource(files: Record<string, string | Buffer>): Promise<void> {
      await rm(src, { recursive: true, force: true });
      for (const [name, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(src, name)), { recursive: true });
        await writeFile(path.join(src, name), content);
      }
    }

    async function backup(item: string): Promise<PointRow> {
      const { point } = await s3.vault.backup({ item, paths: [], retainDays: 0, hostname: 'test' });
      const root = item === 'docs' ? src : path.join(src, 'docs');
      expected.set(point.id, await snapshotContents(root));
      return point;
    }

    /** Manifest, packs and index segments of each point (read with Amber's decoder), and the vault-wide objects. */
    async function neededObjects(): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const need = (key: string, until: number): void => {
        out.set(s3.prefix + key, Math.max(out.get(s3.prefix + key) ?? 0, until));
      };
      const points = await s3.vault.listPoints();
      assert.equal(points.length, 5);
      for (const point of points) {
        for (const key of (await s3.vault.pointObjects(point.id)).keys) need(key, point.retainUntil);
      }
      const longest = Math.max(...points.map((p) => p.retainUntil));
      const listed = await listAllVersions(plain, ceph.bucket, s3.prefix);
      for (const version of listed.versions) {
        const key = (version.Key ?? '').slice(s3.prefix.length);
        if (key === 'amber.vault' || key.startsWith('keys/') || key.startsWith('settings/')) need(key, longest);
      }
      return out;
    }

    test('the points need objects of every kind, and nothing else is stored but audit anchors', () => {
      const kinds = new Set([...needs.keys()].map((key) => key.slice(s3.prefix.length).split('/')[0]));
      assert.deepEqual([...kinds].sort(), ['amber.vault', 'index', 'keys', 'packs', 'points', 'settings']);
      const stored = new Set(versions.map((v) => v.Key ?? ''));
      const unneeded = [...stored].filter((key) => !needs.has(key) && !key.startsWith(`${s3.prefix}audit/`));
      assert.deepEqual(unneeded, [], 'no GC ran: every stored pack, segment and manifest belongs to a point');
      for (const key of needs.keys()) assert.ok(stored.has(key), `${key} is stored`);
      assert.ok([...needs.keys()].filter((k) => k.includes('/packs/')).length >= 3, 'several packs');
    });

    test('every version of every needed object carries COMPLIANCE retention until its points retainUntil', async () => {
      const problems: string[] = [];
      for (const version of versions) {
        const key = version.Key ?? '';
        const requiredUntil = needs.get(key);
        if (requiredUntil === undefined) continue;
        const retention = await retentionOf(plain, ceph.bucket, key, version.VersionId ?? '');
        if (retention?.mode !== 'COMPLIANCE' || retention.retainUntil < requiredUntil) {
          problems.push(`${key}: ${JSON.stringify(retention)}, needs COMPLIANCE until ${toIso(requiredUntil)}`);
        }
      }
      assert.deepEqual(problems, []);
      const checked = versions.filter((v) => needs.has(v.Key ?? '')).length;
      assert.ok(checked >= needs.size, `${checked} versions of ${needs.size} objects checked`);
    });

    test('deleting any needed version with the vault credentials is refused, with and without bypass', async () => {
      const needed = versions.filter((v) => needs.has(v.Key ?? ''));
      const allowed: string[] = [];
      for (const version of needed) {
        const ids = { Bucket: ceph.bucket, Key: version.Key ?? '', VersionId: version.VersionId ?? '' };
        for (const bypass of [false, true]) {
          const attempt = plain.send(
            new DeleteObjectCommand({ ...ids, ...(bypass ? { BypassGovernanceRetention: true } : {}) }),
          );
          const code = await attempt.then(
            () => 'deleted',
            (error: unknown) => s3ErrorCode(error),
          );
          if (code !== 'AccessDenied') allowed.push(`${ids.Key} (bypass ${String(bypass)}): ${code}`);
        }
      }
      assert.deepEqual(allowed, []);
      const batch = await plain.send(
        new DeleteObjectsCommand({
          Bucket: ceph.bucket,
          BypassGovernanceRetention: true,
          Delete: { Objects: needed.slice(0, 1000).map((v) => ({ Key: v.Key ?? '', VersionId: v.VersionId ?? '' })) },
        }),
      );
      assert.deepEqual(batch.Deleted ?? [], [], 'a batch delete removes nothing');
      assert.ok((batch.Errors ?? []).every((e) => e.Code === 'AccessDenied'));
      const after = (await listAllVersions(plain, ceph.bucket, s3.prefix)).versions;
      assert.deepEqual(after.map((v) => v.VersionId).sort(), versions.map((v) => v.VersionId).sort());
    });

    test('shortening or downgrading a needed retention to governance is refused', async () => {
      const refusals: string[] = [];
      for (const version of versions.filter((v) => needs.has(v.Key ?? ''))) {
        const ids = { Bucket: ceph.bucket, Key: version.Key ?? '', VersionId: version.VersionId ?? '' };
        const modifiedAt = version.LastModified?.getTime() ?? 0;
        for (const Mode of ['COMPLIANCE', 'GOVERNANCE'] as const) {
          // A day after the put (the lock runs 30 days or more); governance even for a century.
          const until = Mode === 'COMPLIANCE' ? modifiedAt + MS_PER_DAY : modifiedAt + 36_500 * MS_PER_DAY;
          const retention = { Mode, RetainUntilDate: instant(Math.ceil(until / 1000) * 1000) };
          const code = await plain
            .send(new PutObjectRetentionCommand({ ...ids, Retention: retention, BypassGovernanceRetention: true }))
            .then(
              () => 'changed',
              (error: unknown) => s3ErrorCode(error),
            );
          refusals.push(code);
        }
      }
      assert.ok(refusals.length > 0);
      assert.deepEqual(new Set(refusals), new Set(['AccessDenied']));
    });

    test('after every attack, each point restores bit-exactly', async () => {
      for (const point of await s3.vault.listPoints()) {
        const root = point.item === 'docs' ? src : path.join(src, 'docs');
        const got = await restoredContents(s3.vault, point.id, root, base);
        assert.deepEqual([...got], [...(expected.get(point.id) ?? new Map())], `point ${point.id.slice(0, 12)}`);
        assert.equal(point.lockMode, 'compliance');
      }
    });
  });
});
