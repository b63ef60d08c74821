import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, open, readFile, rm, symlink, writeFile, link, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { systemClock } from '../core/clock.js';
import { asIndexId, asPointId, objectKeys } from '../core/ids.js';
import { decodeIndexSegment } from '../format/index-segment.js';
import { MemoryStore } from '../storage/memory-store.js';
import { archive } from './archiver.js';
import { FilesCache } from './files-cache.js';
import { Repository } from './repository.js';
import { restorePoint } from './restorer.js';
import { verifyRepository } from './verifier.js';
import { walkSources } from './walker.js';

const KDF = { logN: 10, r: 8, p: 1 };
const SMALL_CHUNKS = { minSizeBytes: 16 * 1024, avgSizeBytes: 64 * 1024, maxSizeBytes: 256 * 1024 };

let work: string;
let source: string;

function pseudoRandom(seed: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let at = 0, i = 0; at < bytes; i++) {
    at += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  }
  return out;
}

/** A vault on a memory store, with a cheap KDF and small chunks. */
function newRepository(clock: FakeClock): Promise<Repository> {
  return Repository.create(new MemoryStore(clock), { passphrase: 'pw', clock, kdf: KDF, chunker: SMALL_CHUNKS });
}

async function backup(repo: Repository, clock: FakeClock, cacheDir: string, item = 'docs') {
  const walk = await walkSources([source]);
  const filesCache = await FilesCache.load(cacheDir, repo.vaultId, item);
  const result = await archive(repo, walk, { clock, filesCache, workerCount: 2 });
  const header = {
    formatVersion: 1 as const,
    vaultId: repo.vaultId,
    item,
    createdAt: clock.nowMs(),
    retainUntil: clock.nowMs(),
    tags: [],
    hostname: 'test',
    paths: [source],
  };
  const body = {
    root: result.root,
    indexIds: result.indexIds,
    packIds: result.packIds,
    stats: { ...result.stats, durationMs: 0, warnings: 0 },
  };
  const pointId = await repo.putPoint(header, body);
  await result.saveFilesCache(pointId);
  return { pointId, result };
}

async function tree(dir: string): Promise<Map<string, string>> {
  const { walkSources: walkAgain } = await import('./walker.js');
  const walked = await walkAgain([dir]);
  const out = new Map<string, string>();
  for (const f of walked.files)
    out.set(
      path.relative(dir, f.path),
      createHash('sha256')
        .update(await readFile(f.path))
        .digest('hex'),
    );
  return out;
}

describe('archiver and restorer on a memory store', () => {
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'amber-archiver-'));
    source = path.join(work, 'src');
    await mkdir(path.join(source, 'a', 'b'), { recursive: true });
    await mkdir(path.join(source, 'empty'));
    await writeFile(path.join(source, 'a', 'small.txt'), 'hello amber\n');
    await writeFile(path.join(source, 'a', 'b', 'big.bin'), pseudoRandom('big', 3 * 1024 * 1024));
    await writeFile(path.join(source, 'a', 'b', 'copy.bin'), pseudoRandom('big', 3 * 1024 * 1024));
    await writeFile(path.join(source, 'empty.txt'), '');
    await symlink('a/small.txt', path.join(source, 'link'));
    await link(path.join(source, 'a', 'small.txt'), path.join(source, 'hard.txt'));
    await utimes(path.join(source, 'a', 'small.txt'), 1_600_000_000.123456, 1_600_000_000.123456);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('backs up, deduplicates identical files, and restores the tree bit-exactly', async () => {
    const clock = new FakeClock();
    const repo = await newRepository(clock);
    const { pointId, result } = await backup(repo, clock, path.join(work, 'cache1'));
    assert.equal(result.stats.files, 5);
    // copy.bin repeats big.bin: its bytes are stored once
    assert.ok(result.stats.addedBytes < 3.5 * 1024 * 1024, `added ${result.stats.addedBytes}`);
    const point = await repo.loadPoint(pointId);
    const target = path.join(work, 'restore1');
    await restorePoint(repo, point.body.root, { target, clock });
    const restored = path.join(target, source);
    assert.deepEqual(await tree(restored), await tree(source));
    const report = await verifyRepository(await Repository.open(repo.store, 'pw'), { readData: true });
    assert.deepEqual(report.problems, []);
  });

  it('stores content met by both workers at once only once', async () => {
    // Eight copies of the same 1 MiB, each a batch of its own (with a filler): both workers meet it.
    const copies = path.join(work, 'copies');
    await mkdir(copies, { recursive: true });
    const content = pseudoRandom('copies', 1024 * 1024);
    for (let i = 0; i < 8; i++) {
      await writeFile(path.join(copies, `copy-${i}.bin`), content);
      await writeFile(path.join(copies, `filler-${i}.bin`), pseudoRandom(`filler-${i}`, 3 * 1024 * 1024 + 512 * 1024));
    }
    const clock = new FakeClock();
    const repo = await newRepository(clock);
    const walk = await walkSources([copies]);
    const filesCache = await FilesCache.load(path.join(work, 'cache-copies'), repo.vaultId, 'copies');
    await archive(repo, walk, { clock, filesCache, workerCount: 2 });
    const stored: string[] = [];
    for (const id of await repo.listIds('index/')) {
      const segment = decodeIndexSegment(
        repo.keys,
        asIndexId(id),
        await repo.store.get(objectKeys.index(asIndexId(id))),
      );
      for (const pack of segment.packs) for (const entry of pack.entries) stored.push(entry.blobId);
    }
    assert.equal(stored.length, new Set(stored).size, 'no blob is in two packs');
  });

  it('reads no unchanged file again on the next backup and stores nothing new', async () => {
    // Files changed just before a backup are not trusted to the cache (racy timestamps),
    // so this clock runs ahead of the files' real ctime.
    const clock = new FakeClock(systemClock.nowMs() + 10_000);
    const cache = path.join(work, 'cache2');
    const repo = await newRepository(clock);
    await backup(repo, clock, cache);
    clock.advanceMs(60_000);
    const { result } = await backup(repo, clock, cache);
    assert.equal(result.stats.filesFromCache, result.stats.files);
    // Only trees on the path to the source may differ (the temp dir's own mtime moves); no file data.
    assert.ok(result.stats.addedBytes < 4096, `added ${result.stats.addedBytes} bytes`);
  });

  it('leaves no point and a consistent vault when storage fails mid-backup, and the next backup works', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const repo = await Repository.create(store, { passphrase: 'pw', clock, kdf: KDF, chunker: SMALL_CHUNKS });
    store.putFault = (key) => (key.startsWith('index/') ? 'before-write' : undefined);
    await assert.rejects(backup(repo, clock, path.join(work, 'cache3')), (error) =>
      isAmberError(error, 'STORAGE_ERROR'),
    );
    store.putFault = undefined;
    assert.deepEqual(await repo.listPointIds(), []);
    const fresh = await Repository.open(store, 'pw');
    await fresh.loadIndex();
    const report = await verifyRepository(await Repository.open(store, 'pw'), { readData: true });
    assert.deepEqual(report.problems, []);
    assert.ok(report.unreferencedPacks > 0, 'the packs of the failed backup are left unreferenced');
    const { pointId } = await backup(fresh, clock, path.join(work, 'cache3'));
    const target = path.join(work, 'restore3');
    await restorePoint(fresh, (await fresh.loadPoint(asPointId(pointId))).body.root, { target, clock });
    assert.deepEqual(await tree(path.join(target, source)), await tree(source));
  });

  it('backs up a large file changed in place through its previous chunks, exactly as a fresh read does', async () => {
    const clock = new FakeClock(systemClock.nowMs() + 10_000);
    const cache = path.join(work, 'cache-large');
    const repo = await newRepository(clock);
    const large = path.join(source, 'large.img');
    await writeFile(large, pseudoRandom('large', 6 * 1024 * 1024));
    try {
      await backup(repo, clock, cache);
      const table = (await FilesCache.load(cache, repo.vaultId, 'docs')).previousContent(large)?.table;
      assert.ok(table !== undefined, 'a large file gets a chunk table');
      assert.equal(
        table.lengths.reduce((a, b) => a + b, 0),
        6 * 1024 * 1024,
      );
      assert.ok(table.fingerprints.every((f) => /^[0-9a-f]{32}$/.test(f)));

      // Rewrite one block in place (same size), as a disk image changes.
      const handle = await open(large, 'r+');
      await handle.write(pseudoRandom('new block', 4096), 0, 4096, 3 * 1024 * 1024 + 100);
      await handle.close();
      clock.advanceMs(60_000);
      const { result: changed } = await backup(repo, clock, cache);
      assert.ok(changed.stats.addedBytes < 1024 * 1024, `added ${changed.stats.addedBytes} bytes for one 4 KiB block`);
      // A backup that reads everything afresh (no cache) must store the file as the very same chunks.
      const freshCache = path.join(work, 'cache-large-fresh');
      await backup(repo, clock, freshCache);
      const asChanged = (await FilesCache.load(cache, repo.vaultId, 'docs')).previousContent(large);
      const asFresh = (await FilesCache.load(freshCache, repo.vaultId, 'docs')).previousContent(large);
      assert.ok(asFresh !== undefined);
      assert.deepEqual(asChanged, asFresh);
    } finally {
      await rm(large);
    }
  });

  it('restores only the included path and refuses a non-empty target', async () => {
    const clock = new FakeClock();
    const repo = await newRepository(clock);
    const { pointId } = await backup(repo, clock, path.join(work, 'cache4'));
    const root = (await repo.loadPoint(pointId)).body.root;
    const target = path.join(work, 'restore4');
    await restorePoint(repo, root, { target, clock, includes: [path.join(source, 'a', 'b')] });
    const restored = await tree(path.join(target, source));
    assert.deepEqual([...restored.keys()].sort(), ['a/b/big.bin', 'a/b/copy.bin']);
    await assert.rejects(restorePoint(repo, root, { target, clock }), (error) =>
      isAmberError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(
      restorePoint(repo, root, { target: path.join(work, 'restore5'), clock, includes: ['/no/such/path'] }),
      (error) => isAmberError(error, 'PATH_NOT_FOUND'),
    );
  });
});
