import assert from 'node:assert/strict';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  symlink,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../core/clock.js';
import type { BlobId } from '../core/ids.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import { archive } from './archiver.js';
import { matchFilesCache } from './cache-match.js';
import { FilesCache } from './files-cache.js';
import { Repository } from './repository.js';
import { walkSources } from './walker.js';

const KDF = { logN: 10, r: 8, p: 1 };

let work: string;
let source: string;
let clock: FakeClock;
let repo: Repository;
let cacheRuns = 0;

/**
 * The tree id of the source directory itself (the point's root also holds the ancestors of the
 * source, whose times move as other tests use the temp directory).
 */
async function sourceTree(into: Repository, root: BlobId): Promise<BlobId> {
  let id = root;
  for (const name of source.split('/').filter((p) => p !== '')) {
    const node = (await into.readTree(id)).find((n) => n.name === name);
    assert.ok(node?.type === 'dir', `no directory ${name} in the point`);
    id = node.subtree;
  }
  return id;
}

/** Backs up `source` with the given cache dir (a new, empty one when omitted); returns the source's tree. */
async function backupRoot(into: Repository, cacheDir?: string): Promise<{ root: BlobId; reusedDirs: number }> {
  const dir = cacheDir ?? path.join(work, `fresh-cache-${cacheRuns++}`);
  const walk = await walkSources([source]);
  const filesCache = await FilesCache.load(dir, into.vaultId, 'item');
  const cacheMatch = matchFilesCache(walk, filesCache);
  const result = await archive(into, walk, { clock, filesCache, cacheMatch, workerCount: 1 });
  const pointId = await into.putPoint(
    {
      formatVersion: 1,
      vaultId: into.vaultId,
      item: 'item',
      createdAt: clock.nowMs(),
      retainUntil: clock.nowMs(),
      tags: [],
      hostname: 'test',
      paths: [source],
    },
    {
      root: result.root,
      indexIds: result.indexIds,
      packIds: result.packIds,
      stats: { ...result.stats, durationMs: 0, warnings: 0 },
    },
  );
  await result.saveFilesCache(pointId);
  clock.advanceMs(60_000);
  return { root: await sourceTree(into, result.root), reusedDirs: cacheMatch.trees.size };
}

/** The root a backup with the kept cache gives must be the one a backup that reads everything gives. */
async function assertCachedEqualsFresh(): Promise<BlobId> {
  const cached = await backupRoot(repo, path.join(work, 'cache'));
  const fresh = await backupRoot(repo);
  assert.equal(cached.root, fresh.root, 'the cached trees differ from the trees of a full read');
  return cached.root;
}

describe('directory trees reused from the files cache', () => {
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'amber-tree-cache-'));
    source = path.join(work, 'src');
    await mkdir(path.join(source, 'a', 'b'), { recursive: true });
    await mkdir(path.join(source, 'empty'));
    await mkdir(path.join(source, 'c'));
    await writeFile(path.join(source, 'a', 'b', 'one.txt'), 'first version\n');
    await writeFile(path.join(source, 'a', 'two.txt'), 'two\n');
    await writeFile(path.join(source, 'c', 'three.txt'), 'three\n');
    await symlink('../a/two.txt', path.join(source, 'c', 'link'));
    // Entries changed just before a backup are not cached (racy): the clock runs ahead.
    clock = new FakeClock(systemClock.nowMs() + 10_000);
    repo = await Repository.create(new MemoryStore(clock), { passphrase: 'pw', clock, kdf: KDF });
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('reuses every directory of an unchanged source, with the same root', async () => {
    const first = await backupRoot(repo, path.join(work, 'cache'));
    assert.equal(first.reusedDirs, 0);
    const second = await backupRoot(repo, path.join(work, 'cache'));
    assert.equal(second.root, first.root);
    // src, a, a/b, empty, c (the ancestors of src hold only the way to it and are never cached)
    assert.equal(second.reusedDirs, 5);
  });

  it('sees content rewritten with the same size and the old mtime put back', async () => {
    const file = path.join(source, 'a', 'b', 'one.txt');
    await utimes(file, 1_600_000_000, 1_600_000_000);
    const before = await assertCachedEqualsFresh();
    await writeFile(file, 'FIRST version\n');
    await utimes(file, 1_600_000_000, 1_600_000_000); // only the ctime tells
    const afterEdit = await assertCachedEqualsFresh();
    assert.notEqual(afterEdit, before);
  });

  it('sees a chmod, a new file, a rename, a deletion, a new empty directory and a replaced symlink', async () => {
    const changes: (() => Promise<void>)[] = [
      () => chmod(path.join(source, 'a', 'two.txt'), 0o600),
      () => writeFile(path.join(source, 'a', 'b', 'new.txt'), 'new\n'),
      () => rename(path.join(source, 'c', 'three.txt'), path.join(source, 'c', 'tree.txt')),
      () => unlink(path.join(source, 'a', 'b', 'new.txt')),
      () => mkdir(path.join(source, 'empty', 'inner')),
      async () => {
        await unlink(path.join(source, 'c', 'link'));
        await symlink('../a/b/one.txt', path.join(source, 'c', 'link'));
      },
      () => chmod(path.join(source, 'empty'), 0o700),
    ];
    let previous = await assertCachedEqualsFresh();
    for (const change of changes) {
      await change();
      const root = await assertCachedEqualsFresh();
      assert.notEqual(root, previous, `a change went unseen: ${change.toString()}`);
      previous = root;
    }
    // And once nothing changes any more, everything is reused again.
    const again = await backupRoot(repo, path.join(work, 'cache'));
    assert.equal(again.root, previous);
    assert.equal(again.reusedDirs, 6);
  });

  it('does not trust a cache that names trees and blobs the vault does not have', async () => {
    const cacheDir = path.join(work, 'cache');
    await backupRoot(repo, cacheDir);
    const other = await Repository.create(new MemoryStore(clock), { passphrase: 'pw', clock, kdf: KDF });
    // The cache of the first vault, placed where the other vault's cache would be.
    const from = path.join(cacheDir, repo.vaultId, 'files');
    const to = path.join(cacheDir, other.vaultId, 'files');
    await mkdir(to, { recursive: true });
    for (const name of await readdir(from)) await copyFile(path.join(from, name), path.join(to, name));
    const walk = await walkSources([source]);
    const filesCache = await FilesCache.load(cacheDir, other.vaultId, 'item');
    assert.ok(matchFilesCache(walk, filesCache).trees.size > 0, 'the copied cache matches the walk');
    const result = await archive(other, walk, { clock, filesCache, workerCount: 1 });
    assert.equal(result.stats.filesFromCache, 0);
    assert.equal(await sourceTree(other, result.root), (await backupRoot(other)).root);
    // Every tree the point needs is in the other vault.
    assert.deepEqual((await other.readTree(result.root)).length > 0, true);
  });

  it('never reuses a directory the walk could not list whole', async () => {
    const cacheDir = path.join(work, 'cache');
    await backupRoot(repo, cacheDir);
    const walk = await walkSources([source]);
    const a = walk.root.children
      .flatMap(function all(e): (typeof e)[] {
        return e.kind === 'dir' ? [e, ...e.children.flatMap(all)] : [e];
      })
      .find((e) => e.path === path.join(source, 'a'));
    assert.ok(a !== undefined && a.kind === 'dir');
    a.complete = false; // as when an entry vanished or could not be read during the walk
    const match = matchFilesCache(walk, await FilesCache.load(cacheDir, repo.vaultId, 'item'));
    const reused = new Set([...match.trees.keys()].map((d) => path.relative(source, d.path)));
    assert.deepEqual([...reused].sort(), ['a/b', 'c', 'empty', 'empty/inner']);
  });
});
