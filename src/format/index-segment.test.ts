import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asBlobId, asIndexId, asPackId, objectKeys, type IndexId } from '../core/ids.js';
import { decodeIndexSegment, encodeIndexSegment, type IndexSegment } from './index-segment.js';
import type { PackEntry } from './pack.js';
import { assertRejects, flipByte } from './testing/assert-rejects.js';
import { deriveVaultKeys, newMasterSecret } from './vault-keys.js';

const keys = deriveVaultKeys(newMasterSecret());
const idPool = randomBytes(32 * 60_000);
let idCount = 0;
/** Distinct random ids from one pool (one randomBytes call per id is slow). */
const hex64 = (): string => {
  const at = 32 * (idCount++ % 60_000);
  return idPool.toString('hex', at, at + 32);
};

function segmentWith(packCount: number, entriesPerPack: number): IndexSegment {
  const packs = Array.from({ length: packCount }, () => {
    let offset = 0;
    const entries: PackEntry[] = Array.from({ length: entriesPerPack }, (_, i) => {
      const length = 100 + i;
      const entry: PackEntry = {
        blobId: asBlobId(hex64()),
        type: i % 5 === 0 ? 'tree' : 'data',
        offset,
        length,
        rawLength: length * 3,
        compression: i % 2 === 0 ? 1 : 0,
      };
      offset += length;
      return entry;
    });
    return { packId: asPackId(hex64()), entries };
  });
  return { createdAt: 1_700_000_000_123, packs, supersedes: [asIndexId(hex64()), asIndexId(hex64())] };
}

describe('index segments', () => {
  it('round-trips and is named by the SHA-256 of its bytes', () => {
    const segment = segmentWith(3, 7);
    const { indexId, bytes } = encodeIndexSegment(keys, segment);
    assert.equal(indexId, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'AMBERIDX');
    assert.equal(bytes[8], 1);
    assert.deepEqual(decodeIndexSegment(keys, indexId, bytes), segment);
  });

  it('round-trips an empty segment and a large one (50 000 entries)', () => {
    const empty: IndexSegment = { createdAt: 0, packs: [], supersedes: [] };
    const a = encodeIndexSegment(keys, empty);
    assert.deepEqual(decodeIndexSegment(keys, a.indexId, a.bytes), empty);
    const large = segmentWith(500, 100);
    const b = encodeIndexSegment(keys, large);
    // deepEqual on 50 000 objects takes seconds; the JSON text compares every field too.
    assert.equal(JSON.stringify(decodeIndexSegment(keys, b.indexId, b.bytes)), JSON.stringify(large));
  });

  it('detects a flipped byte at every position, naming the index object', () => {
    const { indexId, bytes } = encodeIndexSegment(keys, segmentWith(1, 2));
    const name = objectKeys.index(indexId);
    for (let i = 0; i < bytes.length; i++)
      assertRejects(() => decodeIndexSegment(keys, indexId, flipByte(bytes, i)), name);
  });

  it('authenticates with the vault key even when the id matches the bytes', () => {
    const { indexId, bytes } = encodeIndexSegment(keys, segmentWith(1, 2));
    const otherKeys = deriveVaultKeys(newMasterSecret());
    assertRejects(() => decodeIndexSegment(otherKeys, indexId, bytes), objectKeys.index(indexId));
  });

  it('reports an unknown version with a matching id as unsupported', () => {
    const { bytes } = encodeIndexSegment(keys, segmentWith(1, 1));
    const newer = flipByte(bytes, 8);
    const id: IndexId = asIndexId(createHash('sha256').update(newer).digest('hex'));
    assertRejects(() => decodeIndexSegment(keys, id, newer), objectKeys.index(id), 'FORMAT_UNSUPPORTED');
  });

  it('refuses to encode ids or sizes it cannot represent', () => {
    const good = segmentWith(1, 1);
    const pack = good.packs[0];
    const entry = pack?.entries[0];
    assert.ok(pack !== undefined && entry !== undefined);
    for (const bad of [
      { ...good, supersedes: [asIndexId('nothex')] },
      { ...good, packs: [{ ...pack, packId: asPackId('zz') }] },
      { ...good, packs: [{ ...pack, entries: [{ ...entry, blobId: asBlobId('12') }] }] },
      { ...good, packs: [{ ...pack, entries: [{ ...entry, offset: 2 ** 32 }] }] },
      { ...good, createdAt: -5 },
    ]) {
      assert.throws(
        () => encodeIndexSegment(keys, bad),
        (error) => isAmberError(error, 'INVALID_ARGUMENT'),
      );
    }
  });
});
