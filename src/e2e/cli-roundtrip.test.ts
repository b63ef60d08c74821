import assert from 'node:assert/strict';
import { appendFile, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MS_PER_DAY, parseIso } from '../core/clock.js';
import { amberJson, amberOk, type AmberRunOptions } from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { buildRoundtripTree } from './testing/source-trees.js';
import { diffTrees, snapshotTree, strayEntries, subtree, type TreeSnapshot } from './testing/tree-snapshot.js';

interface BackupJson {
  id: string;
  item: string;
  createdAt: string;
  retainUntil: string;
  paths: string[];
  stats: {
    files: number;
    dirs: number;
    sizeBytes: number;
    addedBytes: number;
    addedStoredBytes: number;
    blobs: number;
    newBlobs: number;
    filesFromCache: number;
  };
  warnings: unknown[];
}

interface PointJson {
  id: string;
  item: string;
  createdAt: string;
  retainUntil: string;
  files: number;
}

/** chown to another uid/gid needs root (the CI runs the tests as root). */
const NEEDS_ROOT = process.getuid?.() === 0 ? false : 'needs root to chown the source and restore owners';

describe('amber CLI round trip', { skip: NEEDS_ROOT }, () => {
  let base: string;
  let src: string;
  let srcRel: string;
  let vault: string;
  let restores: string;
  let run: AmberRunOptions;
  let original: TreeSnapshot;
  let first: BackupJson;
  /** The directories above the source as the first backup saw them (their trees are stored too). */
  let ancestorsAtFirst: string;
  let restoreCount = 0;

  const vaultArgs = (): string[] => ['--vault', vault];
  const newTarget = (): string => path.join(restores, `t${++restoreCount}`);
  const countOf = (snapshot: TreeSnapshot, type: string): number =>
    [...snapshot.values()].filter((e) => e.type === type).length;

  /** Restores `ref` (plus extra args) into a new target and returns the snapshot of the whole target. */
  const restore = async (ref: string, ...extra: string[]): Promise<{ target: string; all: TreeSnapshot }> => {
    const target = newTarget();
    await amberOk(['restore', ...vaultArgs(), ref, '--target', target, ...extra], run);
    return { target, all: await snapshotTree(target) };
  };

  /** The metadata of '/' and of every directory above the source: trees record them too. */
  const ancestorFacts = async (): Promise<string> => {
    const facts: string[] = [];
    for (let dir = path.dirname(src); ; dir = path.dirname(dir)) {
      const s = await lstat(dir, { bigint: true });
      facts.push(`${dir} ${s.mode} ${s.uid} ${s.gid} ${s.mtimeNs}`);
      if (dir === path.dirname(dir)) return facts.join('\n');
    }
  };

  before(async () => {
    base = await makeTempDir('roundtrip');
    src = path.join(base, 'src');
    srcRel = src.slice(1);
    vault = path.join(base, 'vault');
    restores = path.join(base, 'restores');
    await mkdir(restores);
    await mkdir(path.join(base, 'cache'));
    run = {
      env: {
        AMBER_PASSWORD: 'round trip passphrase',
        AMBER_CACHE_DIR: path.join(base, 'cache'),
        AMBER_VAULT: undefined,
      },
    };
    await mkdir(src);
    await buildRoundtripTree(src, 'roundtrip');
    original = await snapshotTree(src);
    await amberOk(['init', vault], run);
    ancestorsAtFirst = await ancestorFacts();
    first = await amberJson<BackupJson>(['backup', ...vaultArgs(), '--json', src], run);
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('backup --json reports the id, item, times and stats of the new point', () => {
    assert.match(first.id, /^[0-9a-f]{64}$/);
    assert.equal(first.item, 'default');
    const createdAt = parseIso(first.createdAt);
    assert.ok(createdAt !== undefined, `createdAt ${first.createdAt} is not ISO-8601`);
    assert.equal(parseIso(first.retainUntil), createdAt, 'without --retain a point is retained until its creation');
    assert.deepEqual(first.paths, [src]);
    assert.deepEqual(first.warnings, []);
    assert.equal(first.stats.files, countOf(original, 'file'));
    assert.equal(first.stats.dirs, countOf(original, 'dir'));
    const totalBytes = [...original.values()].reduce((sum, e) => sum + (e.size ?? 0), 0);
    assert.equal(first.stats.sizeBytes, totalBytes);
    assert.equal(first.stats.filesFromCache, 0);
    // The 3 MiB random file cannot shrink; how much the 10 MiB of repeated 1 MiB blocks deduplicates
    // depends on where the vault's keyed chunker cuts (2 to 10 MiB new, measured), so only bounds here.
    assert.ok(first.stats.addedBytes > 3 * 1024 * 1024, `addedBytes ${first.stats.addedBytes}`);
    assert.ok(first.stats.addedBytes <= totalBytes + 64 * 1024, `addedBytes ${first.stats.addedBytes} > source`);
    assert.equal(first.stats.newBlobs, first.stats.blobs, 'into an empty vault every blob is new');
  });

  test('points --json lists the point with its id, item and file count', async () => {
    const points = await amberJson<PointJson[]>(['points', ...vaultArgs(), '--json'], run);
    assert.equal(points.length, 1);
    assert.equal(points[0]?.id, first.id);
    assert.equal(points[0]?.item, 'default');
    assert.equal(points[0]?.createdAt, first.createdAt);
    assert.equal(points[0]?.files, first.stats.files);
  });

  test('ls lists every path of the backed-up tree and the directories above it', async () => {
    const { stdout } = await amberOk(['ls', ...vaultArgs(), 'latest'], run);
    const listed = stdout.split('\n').filter((line) => line !== '');
    const expected = [...original.keys()].map((p) => (p === '' ? src : `${src}/${p}`));
    for (let dir = path.dirname(src); dir !== '/'; dir = path.dirname(dir)) expected.push(dir);
    assert.deepEqual([...listed].sort(), expected.sort());
    assert.equal(new Set(listed).size, listed.length, 'ls lists a path twice');
  });

  test('restore latest recreates every entry type, content, mode, owner, mtime and link, and nothing else', async () => {
    const { all } = await restore('latest');
    assert.deepEqual(strayEntries(all, srcRel), []);
    assert.deepEqual(diffTrees(original, subtree(all, srcRel)), []);
    const restored = subtree(all, srcRel);
    assert.equal(restored.get('fifo')?.type, 'fifo');
    assert.equal(restored.get('empty-dir')?.type, 'dir');
    assert.equal(restored.get('nested-empty/inner')?.type, 'dir');
    assert.equal(restored.get('shared')?.mode, 0o2775);
    assert.equal(restored.get('owned/theirs.txt')?.uid, 1234);
    assert.equal(restored.get('links/dangling')?.target, 'does/not/exist');
    assert.equal(restored.get('hard-a.txt')?.ino, restored.get('dir/hard-b.txt')?.ino);
  });

  test('restore --include restores only that subtree and the directories leading to it', async () => {
    const { all } = await restore('latest', '--include', `${src}/dir`);
    assert.deepEqual(strayEntries(all, `${srcRel}/dir`), []);
    assert.deepEqual(diffTrees(subtree(original, 'dir'), subtree(all, `${srcRel}/dir`)), []);
    assert.equal(all.get(srcRel)?.mode, original.get('')?.mode, 'the source root on the way keeps its mode');
  });

  test('restore accepts a unique prefix of a point id', async () => {
    const { all } = await restore(first.id.slice(0, 10));
    assert.deepEqual(diffTrees(original, subtree(all, srcRel)), []);
  });

  test('an unchanged backup stores no new data, and the next one reads no file again', async (t) => {
    const second = await amberJson<BackupJson>(['backup', ...vaultArgs(), '--json', src], run);
    const third = await amberJson<BackupJson>(['backup', ...vaultArgs(), '--json', src], run);
    const ancestorsStill = (await ancestorFacts()) === ancestorsAtFirst;
    if (!ancestorsStill) t.diagnostic('a directory above the source changed meanwhile; its trees may be new');
    for (const b of [second, third]) {
      assert.equal(b.stats.files, first.stats.files);
      assert.equal(b.stats.sizeBytes, first.stats.sizeBytes);
      if (ancestorsStill) {
        assert.equal(b.stats.addedBytes, 0, 'an unchanged tree added bytes');
        assert.equal(b.stats.newBlobs, 0);
      } else {
        // Someone changed a directory above the source (e.g. /tmp): only those trees may be new.
        const depth = src.split('/').length - 1;
        assert.ok(b.stats.newBlobs <= depth, `${b.stats.newBlobs} new blobs for an unchanged source`);
      }
    }
    // The first backup ran within the files cache's racy window of the tree's creation (ctime), so the
    // second may read files again; by the third the cache has recorded every file.
    assert.equal(third.stats.filesFromCache, third.stats.files);
  });

  test('after a change the new point restores the new content while the first point keeps the old', async () => {
    await appendFile(path.join(src, 'text-100k.txt'), 'one more line\n');
    const changed = await snapshotTree(src);
    const next = await amberJson<BackupJson>(['backup', ...vaultArgs(), '--json', '--retain', '7', src], run);
    assert.ok(next.stats.addedBytes > 0, 'the changed file added nothing');
    assert.ok(next.stats.addedBytes < 1024 * 1024, `only one 100 KiB file changed: added ${next.stats.addedBytes}`);
    assert.equal(next.stats.filesFromCache, next.stats.files - 1);
    const latest = await restore('latest');
    assert.deepEqual(diffTrees(changed, subtree(latest.all, srcRel)), []);
    const old = await restore(first.id);
    assert.deepEqual(diffTrees(original, subtree(old.all, srcRel)), []);
    assert.notEqual(changed.get('text-100k.txt')?.sha256, original.get('text-100k.txt')?.sha256);
  });

  test('--retain 7 retains the point until its creation plus 7 days', async () => {
    const points = await amberJson<PointJson[]>(['points', ...vaultArgs(), '--json'], run);
    const retained = points.filter((p) => p.retainUntil !== p.createdAt);
    assert.equal(retained.length, 1, `one point has --retain: ${JSON.stringify(points)}`);
    const point = retained[0] as PointJson;
    assert.equal((parseIso(point.retainUntil) ?? 0) - (parseIso(point.createdAt) ?? 0), 7 * MS_PER_DAY);
  });

  test('catalog rebuild brings back every point after the catalog is deleted', async () => {
    const before = await amberJson<PointJson[]>(['points', ...vaultArgs(), '--json'], run);
    assert.equal(before.length, 4);
    const catalogDir = path.join(vault, '.catalog');
    for (const name of await readdir(catalogDir)) {
      if (name.startsWith('catalog.sqlite')) await rm(path.join(catalogDir, name));
    }
    const rebuilt = await amberJson<{ points: number }>(['catalog', 'rebuild', ...vaultArgs(), '--json'], run);
    assert.equal(rebuilt.points, before.length);
    assert.ok((await readdir(catalogDir)).includes('catalog.sqlite'), 'rebuild wrote no catalog');
    const after = await amberJson<PointJson[]>(['points', ...vaultArgs(), '--json'], run);
    const key = (points: PointJson[]): string[] =>
      points.map((p) => `${p.id} ${p.createdAt} ${p.retainUntil} ${p.files}`).sort();
    assert.deepEqual(key(after), key(before));
  });
});
