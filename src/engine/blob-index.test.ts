import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { asBlobId, asIndexId, asPackId, type BlobId, type IndexId, type PackId } from '../core/ids.js';
import { decodeIndexSegment, decodeIndexSegmentTables, encodeIndexSegment } from '../format/index-segment.js';
import type { PackEntry } from '../format/pack-entry.js';
import { deriveVaultKeys, newMasterSecret } from '../format/vault-keys.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import { BlobIndex } from './blob-index.js';

const hex = (label: string, n: number): string => createHash('sha256').update(`${label}${n}`).digest('hex');
const blob = (n: number): BlobId => asBlobId(hex('blob', n));
const pack = (n: number): PackId => asPackId(hex('pack', n));
const segment = (n: number): IndexId => asIndexId(hex('segment', n));

function entry(n: number, overrides: Partial<PackEntry> = {}): PackEntry {
  return {
    blobId: blob(n),
    type: n % 3 === 0 ? 'tree' : 'data',
    offset: n * 100,
    length: 50 + n,
    rawLength: 1_000_000 + n,
    compression: n % 2 === 0 ? 1 : 0,
    ...overrides,
  };
}

/** 3 segments, 30 packs, 3,000 blobs: enough to grow the table several times. */
function sampleIndex(): BlobIndex {
  const index = new BlobIndex();
  for (let p = 0; p < 30; p++) {
    const entries = Array.from({ length: 100 }, (_, i) => entry(p * 100 + i));
    index.addPack(segment(p % 3), pack(p), entries);
  }
  return index;
}

describe('BlobIndex', () => {
  it('finds every blob it was given, with its pack and entry, and nothing else', () => {
    const index = sampleIndex();
    assert.equal(index.blobCount, 3000);
    assert.equal(index.packCount, 30);
    for (let n = 0; n < 3000; n++) {
      assert.equal(index.has(blob(n)), true);
      assert.deepEqual(index.get(blob(n)), { packId: pack(Math.floor(n / 100)), entry: entry(n) });
    }
    for (let n = 3000; n < 4000; n++) {
      assert.equal(index.has(blob(n)), false);
      assert.equal(index.get(blob(n)), undefined);
    }
    assert.equal(index.has('not an id' as BlobId), false);
  });

  it('keeps the first location of a blob found in two packs, and the first segment of a pack', () => {
    const index = new BlobIndex();
    index.addPack(segment(1), pack(1), [entry(5)]);
    index.addPack(segment(2), pack(2), [entry(5, { offset: 999 }), entry(6)]);
    index.addPack(segment(3), pack(1), [entry(7)]);
    assert.equal(index.blobCount, 3);
    assert.equal(index.get(blob(5))?.packId, pack(1));
    assert.equal(index.get(blob(5))?.entry.offset, 500);
    assert.equal(index.get(blob(7))?.packId, pack(1));
    assert.equal(index.segmentOfPack(pack(1)), segment(1));
    assert.equal(index.segmentOfPack(pack(2)), segment(2));
    assert.equal(index.segmentOfPack(pack(9)), undefined);
    assert.equal(index.hasSegment(segment(3)), true);
    assert.equal(index.hasPack(pack(2)), true);
    assert.equal(index.hasPack(pack(3)), false);
    assert.deepEqual([...index.packIds()], [pack(1), pack(2)]);
  });

  it('adds whole segments, and registers a segment that lists no pack', () => {
    const index = new BlobIndex();
    index.addSegment(segment(1), { createdAt: 0, supersedes: [], packs: [{ packId: pack(1), entries: [entry(1)] }] });
    index.addSegment(segment(2), { createdAt: 0, supersedes: [], packs: [] });
    assert.equal(index.has(blob(1)), true);
    assert.equal(index.hasSegment(segment(2)), true);
  });

  it('indexes a decoded segment from its stored entry tables as it indexes the entries themselves', () => {
    const keys = deriveVaultKeys(newMasterSecret());
    const packs = Array.from({ length: 5 }, (_, p) => ({
      packId: pack(p),
      entries: Array.from({ length: 40 }, (_, i) => entry(p * 40 + i)),
    }));
    const { indexId, bytes } = encodeIndexSegment(keys, { createdAt: 1, supersedes: [], packs });
    const fromTables = new BlobIndex();
    fromTables.addSegmentTables(indexId, decodeIndexSegmentTables(keys, indexId, bytes));
    const fromEntries = new BlobIndex();
    fromEntries.addSegment(indexId, decodeIndexSegment(keys, indexId, bytes));
    assert.equal(fromTables.blobCount, 200);
    for (let n = 0; n < 200; n++) {
      assert.deepEqual(fromTables.get(blob(n)), fromEntries.get(blob(n)));
    }
  });

  it('names the packs a set of blobs needs, and counts the distinct blobs', () => {
    const index = sampleIndex();
    const { packIds, blobs } = index.packsOf([[blob(5), blob(150), blob(5)], [blob(2999), blob(9999)], []]);
    assert.deepEqual(packIds, [pack(0), pack(1), pack(29)].sort());
    assert.equal(blobs, 4);
    assert.deepEqual(index.packsOf([]), { packIds: [], blobs: 0 });
  });

  it('gives archive workers every blob id as a table they attach, unchanged by later additions', () => {
    const index = sampleIndex();
    const known = SharedBlobIdSet.attach(index.knownBlobs());
    index.addPack(segment(0), pack(99), [entry(5000)]);
    for (let n = 0; n < 3000; n++) assert.equal(known.has(blob(n)), true);
    assert.equal(known.has(blob(5000)), false);
    assert.equal(index.has(blob(5000)), true);
  });

  it('reads back its tables: every blob, pack and segment, and goes on growing', () => {
    const index = sampleIndex();
    const copy = BlobIndex.fromBytes(Buffer.concat(index.tables()));
    assert.equal(copy.blobCount, 3000);
    assert.equal(copy.packCount, 30);
    for (let n = 0; n < 3000; n++) assert.deepEqual(copy.get(blob(n)), index.get(blob(n)));
    for (let p = 0; p < 30; p++) assert.equal(copy.segmentOfPack(pack(p)), segment(p % 3));
    assert.equal(copy.has(blob(3000)), false);
    for (let p = 30; p < 40; p++)
      copy.addPack(
        segment(9),
        pack(p),
        Array.from({ length: 100 }, (_, i) => entry(p * 100 + i)),
      );
    assert.equal(copy.blobCount, 4000);
    assert.deepEqual(copy.get(blob(3999)), { packId: pack(39), entry: entry(3999) });
    assert.deepEqual(copy.get(blob(5)), index.get(blob(5)));
    assert.equal(BlobIndex.fromBytes(Buffer.concat(new BlobIndex().tables())).blobCount, 0);
  });

  it('refuses bytes that are not such a table, whatever is wrong with them', () => {
    const bytes = Buffer.concat(sampleIndex().tables());
    const slotsAt = 4 + 3 * 32 + 4 + 30 * 36;
    const slots = bytes.readUInt32LE(slotsAt);
    const idsAt = slotsAt + 8;
    const whereAt = idsAt + slots * 32;
    const kindsAt = whereAt + slots * 16;
    const firstSlot = Array.from({ length: slots }, (_, s) => s).find(
      (s) => bytes[kindsAt + s] !== 0 || bytes.readUInt32LE(idsAt + s * 32) !== 0,
    ) as number;
    assert.throws(() => BlobIndex.fromBytes(bytes.subarray(0, bytes.length - 1)), /bad length/);
    assert.throws(() => BlobIndex.fromBytes(Buffer.concat([bytes, Buffer.alloc(1)])), /bad length/);
    assert.throws(() => BlobIndex.fromBytes(bytes.subarray(0, 10)), /truncated/);
    const change = (edit: (b: Buffer) => void): Buffer => {
      const copy = Buffer.from(bytes);
      edit(copy);
      return copy;
    };
    assert.throws(() => BlobIndex.fromBytes(change((b) => b.writeUInt32LE(slots - 1, slotsAt))), /bad slot count/);
    assert.throws(() => BlobIndex.fromBytes(change((b) => b.writeUInt32LE(slots, slotsAt + 4))), /bad slot count/);
    assert.throws(() => BlobIndex.fromBytes(change((b) => b.writeUInt32LE(2999, slotsAt + 4))), /bad blob count/);
    assert.throws(
      () => BlobIndex.fromBytes(change((b) => b.writeUInt32LE(30, whereAt + firstSlot * 16))),
      /bad blob record/,
    );
    assert.throws(() => BlobIndex.fromBytes(change((b) => (b[kindsAt + firstSlot] = 7))), /bad blob record/);
    assert.throws(() => BlobIndex.fromBytes(change((b) => (b[kindsAt + firstSlot] = 0x20))), /bad blob record/);
    assert.throws(() => BlobIndex.fromBytes(change((b) => b.writeUInt32LE(3, 4 + 3 * 32 + 4 + 32))), /bad pack record/);
  });
});
