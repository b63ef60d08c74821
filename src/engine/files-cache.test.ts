import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { asPointId, asVaultId, type BlobId } from '../core/ids.js';
import { FilesCache, type CacheEntry } from './files-cache.js';
import type { EntryStat } from './source-tree.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'amber-files-cache-'));
after(() => rm(work, { recursive: true, force: true }));

const VAULT = asVaultId('a'.repeat(32));
const POINT = asPointId('b'.repeat(64));
const id = (n: number): BlobId => n.toString(16).padStart(64, '0') as BlobId;
const stat = (size: number): EntryStat => ({
  mode: 0o100644,
  uid: 1,
  gid: 1,
  size,
  nlink: 1,
  dev: 1n,
  ino: BigInt(size),
  mtimeNs: 1_700_000_000_000_000_000n,
  ctimeNs: 1_700_000_000_500_000_000n,
});
const fingerprint = (n: number): string => n.toString(16).padStart(32, '0');

/** The file `FilesCache.load(dir, VAULT, 'docs')` reads. */
async function cacheFile(dir: string): Promise<string> {
  const file = path.join(dir, VAULT, 'files', `${createHash('sha256').update('docs').digest('hex').slice(0, 32)}.tsv`);
  await mkdir(path.dirname(file), { recursive: true });
  return file;
}

describe('FilesCache', () => {
  it('keeps the chunk table of a large file beside its ids, and lookups see the ids only', async () => {
    const dir = path.join(work, 'round-trip');
    const chunks = { lengths: [700, 300], fingerprints: [fingerprint(1), fingerprint(2)] };
    const entries: CacheEntry[] = [
      { path: '/data/disk.img', kind: 'file', stat: stat(1000), ids: [id(1), id(2)], hit: false, chunks },
      { path: '/data/note.txt', kind: 'file', stat: stat(5), ids: [id(3)], hit: false },
      { path: '/data', kind: 'dir', stat: stat(4096), ids: [id(4)], hit: false },
    ];
    await FilesCache.save(await FilesCache.load(dir, VAULT, 'docs'), POINT, entries);
    const cache = await FilesCache.load(dir, VAULT, 'docs');
    assert.deepEqual(cache.lookup('/data/disk.img', 'file', stat(1000)), [id(1), id(2)]);
    assert.deepEqual(cache.previousContent('/data/disk.img'), { ids: [id(1), id(2)], table: chunks });
    assert.deepEqual(cache.previousContent('/data/note.txt'), { ids: [id(3)] });
    assert.deepEqual(cache.lookup('/data', 'dir', stat(4096)), [id(4)]);
    assert.equal(cache.lookup('/data/disk.img', 'file', stat(1001)), undefined);
    // A hit is written again as it was, table included.
    await FilesCache.save(cache, POINT, [{ ...(entries[0] as CacheEntry), hit: true }]);
    assert.deepEqual((await FilesCache.load(dir, VAULT, 'docs')).previousContent('/data/disk.img')?.table, chunks);
  });

  it('reads a cache of version 3 (no chunk tables)', async () => {
    const dir = path.join(work, 'v3');
    const facts = `f\t5\t${stat(5).mtimeNs}\t${stat(5).ctimeNs}\t5\t`;
    await writeFile(await cacheFile(dir), `amber-files-cache 3 ${POINT}\n"/data/note.txt"\t${facts}${id(3)}\n`);
    const cache = await FilesCache.load(dir, VAULT, 'docs');
    assert.deepEqual(cache.lookup('/data/note.txt', 'file', stat(5)), [id(3)]);
    assert.deepEqual(cache.previousContent('/data/note.txt'), { ids: [id(3)] });
  });

  it('ignores a chunk table that does not fit its ids, and an unknown version', async () => {
    const dir = path.join(work, 'damaged');
    const file = await cacheFile(dir);
    const facts = `f\t1000\t${stat(1000).mtimeNs}\t${stat(1000).ctimeNs}\t1000\t`;
    const lines = [
      `"/a"\t${facts}${id(1)}${id(2)}\t700:${fingerprint(1)}`, // one entry for two ids
      `"/b"\t${facts}${id(1)}${id(2)}\t700:${fingerprint(1)},0:${fingerprint(2)}`, // a zero length
      `"/c"\t${facts}${id(1)}${id(2)}\t700:${fingerprint(1)},300:xyz`, // not a fingerprint
    ];
    await writeFile(file, `amber-files-cache 4 ${POINT}\n${lines.join('\n')}\n`);
    const cache = await FilesCache.load(dir, VAULT, 'docs');
    for (const name of ['/a', '/b', '/c']) assert.deepEqual(cache.previousContent(name), { ids: [id(1), id(2)] });
    await writeFile(file, (await readFile(file, 'utf8')).replace('amber-files-cache 4', 'amber-files-cache 9'));
    assert.equal((await FilesCache.load(dir, VAULT, 'docs')).size, 0);
  });
});
