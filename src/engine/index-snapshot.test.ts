import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asBlobId, asIndexId, asPackId, asVaultId, type BlobId } from '../core/ids.js';
import { makeTempRoot, removeTempRoot } from '../storage/testing/temp-root.js';
import { BlobIndex } from './blob-index.js';
import { IndexSnapshot } from './index-snapshot.js';

const hex = (label: string, n: number): string => createHash('sha256').update(`${label}${n}`).digest('hex');
const blob = (n: number): BlobId => asBlobId(hex('blob', n));
const SEGMENTS = [hex('segment', 2), hex('segment', 1)];

function smallIndex(blobs: number): BlobIndex {
  const index = new BlobIndex();
  for (let n = 0; n < blobs; n++) {
    const entry = {
      blobId: blob(n),
      type: 'data' as const,
      offset: n * 10,
      length: 40,
      rawLength: 12,
      compression: 1 as const,
    };
    index.addPack(asIndexId(SEGMENTS[n % 2] as string), asPackId(hex('pack', n % 3)), [entry]);
  }
  return index;
}

describe('IndexSnapshot', () => {
  let dir: string;
  const key = randomBytes(32);
  before(async () => {
    dir = await makeTempRoot('index-snapshot');
  });
  after(() => removeTempRoot(dir));

  it('reads back the index it was written with, for the segments it stands for, under its key only', async () => {
    const file = IndexSnapshot.file(dir, asVaultId('v1'));
    assert.equal(file, path.join(dir, 'v1', 'index-snapshot'));
    const index = smallIndex(500);
    await IndexSnapshot.write(file, key, index, SEGMENTS);
    const snapshot = await IndexSnapshot.read(file);
    assert.ok(snapshot !== undefined);
    assert.deepEqual(snapshot.segments, [...SEGMENTS].sort());
    assert.equal(snapshot.isAuthentic(key), true);
    assert.equal(snapshot.isAuthentic(randomBytes(32)), false);
    assert.equal(snapshot.index.blobCount, 500);
    for (let n = 0; n < 500; n++) assert.deepEqual(snapshot.index.get(blob(n)), index.get(blob(n)));
    assert.equal(snapshot.standsFor([...SEGMENTS]), true);
    assert.equal(snapshot.standsFor([...SEGMENTS].reverse()), true);
    assert.equal(snapshot.standsFor([SEGMENTS[0] as string]), false);
    assert.equal(snapshot.standsFor([...SEGMENTS, hex('segment', 3)]), false);
    assert.equal(snapshot.standsFor([SEGMENTS[0] as string, hex('segment', 3)]), false);
  });

  it('is absent when there is no file, or the file is not a snapshot', async () => {
    assert.equal(await IndexSnapshot.read(path.join(dir, 'none')), undefined);
    const junk = path.join(dir, 'junk');
    await writeFile(junk, 'amber-files-cache 4 x\n');
    assert.equal(await IndexSnapshot.read(junk), undefined);
  });

  it('never passes as authentic once any byte is changed or the file is cut short', async () => {
    const file = path.join(dir, 'tamper', 'index-snapshot');
    await IndexSnapshot.write(file, key, smallIndex(5), SEGMENTS);
    const bytes = await readFile(file);
    const trusted = async (candidate: Buffer): Promise<boolean> => {
      await writeFile(file, candidate);
      const snapshot = await IndexSnapshot.read(file);
      return snapshot !== undefined && snapshot.isAuthentic(key);
    };
    assert.equal(await trusted(bytes), true);
    for (let at = 0; at < bytes.length; at++) {
      const flipped = Buffer.from(bytes);
      flipped[at] = (flipped[at] as number) ^ 0x01;
      assert.equal(await trusted(flipped), false, `byte ${at} flipped`);
    }
    for (let length = 0; length < bytes.length; length += 7) {
      assert.equal(await trusted(bytes.subarray(0, length)), false, `cut at ${length}`);
    }
  });
});
