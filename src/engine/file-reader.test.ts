import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropCachedPages, pageCacheHintsUnavailable, residentPages } from '../native/page-cache.js';
import { makeTempRoot, removeTempRoot } from '../storage/testing/temp-root.js';
import { fileReader, STREAMED_READ_MIN_BYTES } from './file-reader.js';

/** statfs(2) f_type of tmpfs: there the page cache is the file, and nothing is ever dropped. */
const TMPFS_MAGIC = 0x01021994;
const PAGE_BYTES = 4096;

/** Reads a whole file through fileReader in pieces of varying length; returns its SHA-256 and the pages left cached. */
function readThrough(file: string, sizeBytes: number): { sha256: string; residentAfter: number } {
  const fd = openSync(file, 'r');
  try {
    const reader = fileReader(fd, sizeBytes);
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(3 * 1024 * 1024 + 7);
    let lengths = 0;
    for (;;) {
      const length = 1 + ((lengths++ * 1_048_573) % buffer.length);
      const n = reader.read(buffer, 0, length);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
    reader.done();
    return { sha256: hash.digest('hex'), residentAfter: residentPages(fd) ?? -1 };
  } finally {
    closeSync(fd);
  }
}

describe('fileReader', () => {
  let dir: string;
  let onTmpfs: boolean;
  before(async () => {
    // The native addon is built by `npm install`; on Linux its absence is a broken install, not a skip.
    assert.equal(pageCacheHintsUnavailable(), null);
    dir = await makeTempRoot('file-reader');
    onTmpfs = (await fs.statfs(dir)).type === TMPFS_MAGIC;
  });
  after(() => removeTempRoot(dir));

  async function writeFile(name: string, bytes: Buffer): Promise<{ file: string; sha256: string }> {
    const file = path.join(dir, name);
    await fs.writeFile(file, bytes);
    const handle = await fs.open(file, 'r+');
    await handle.sync(); // clean pages can be dropped
    await handle.close();
    return { file, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  const drop = (file: string): void => {
    const fd = openSync(file, 'r');
    dropCachedPages(fd);
    closeSync(fd);
  };

  it('reads a small file exactly, and leaves it cached', async () => {
    const { file, sha256 } = await writeFile('small', randomBytes(300_000));
    const got = readThrough(file, 300_000);
    assert.equal(got.sha256, sha256);
    assert.equal(got.residentAfter, Math.ceil(300_000 / PAGE_BYTES));
  });

  it('streams a large file that is not cached: the same bytes, and nothing left in the cache', async () => {
    const size = STREAMED_READ_MIN_BYTES * 3 + 12_345;
    const { file, sha256 } = await writeFile('large-cold', randomBytes(size));
    drop(file);
    const got = readThrough(file, size);
    assert.equal(got.sha256, sha256);
    // On tmpfs nothing is dropped (the file is its pages): read as usual.
    if (onTmpfs) assert.equal(got.residentAfter, Math.ceil(size / PAGE_BYTES));
    else assert.equal(got.residentAfter, 0);
  });

  it('leaves a large file that was cached as it was', async () => {
    const size = STREAMED_READ_MIN_BYTES + 5;
    const { file, sha256 } = await writeFile('large-warm', randomBytes(size));
    const got = readThrough(file, size);
    assert.equal(got.sha256, sha256);
    assert.equal(got.residentAfter, Math.ceil(size / PAGE_BYTES));
  });

  it('reads a file that grew since the walk to its end', async () => {
    const size = STREAMED_READ_MIN_BYTES + 100;
    const { file } = await writeFile('grown', randomBytes(size));
    const more = randomBytes(50_000);
    await fs.appendFile(file, more);
    drop(file);
    const whole = await fs.readFile(file);
    assert.equal(readThrough(file, size).sha256, createHash('sha256').update(whole).digest('hex'));
  });
});
