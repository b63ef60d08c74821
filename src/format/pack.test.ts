import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asPackId, objectKeys, type BlobId, type PackId } from '../core/ids.js';
import { seal } from './aead.js';
import { computeBlobId } from './blob-id.js';
import { compressBlob } from './compression.js';
import { encodePackEntry, PACK_ENTRY_BYTES } from './pack-entry.js';
import { decodePackFooter, openBlob, PackWriter, readPackEntries, verifyBlob, type PackEntry } from './pack.js';
import { assertRejects, flipByte } from './testing/assert-rejects.js';
import { textBytes } from './testing/test-bytes.js';
import { deriveVaultKeys, newMasterSecret } from './vault-keys.js';

const keys = deriveVaultKeys(newMasterSecret());

interface BuiltPack {
  packId: PackId;
  bytes: Buffer;
  entries: PackEntry[];
  raws: Map<BlobId, Buffer>;
}

function buildPack(): BuiltPack {
  const writer = new PackWriter(keys);
  const raws = new Map<BlobId, Buffer>();
  const add = (raw: Buffer, type: 'data' | 'tree', options?: { compress?: boolean }): void => {
    const id = computeBlobId(keys.blobIdKey, raw);
    writer.add(id, type, raw, options);
    raws.set(id, raw);
  };
  add(textBytes(200_000), 'data');
  add(randomBytes(150_000), 'data');
  add(Buffer.from('{"version":1,"nodes":[]}'), 'tree');
  add(textBytes(5000), 'data', { compress: false });
  add(Buffer.alloc(0), 'data');
  const pre = compressBlob(textBytes(70_000).reverse());
  const preRaw = textBytes(70_000).reverse();
  const preId = computeBlobId(keys.blobIdKey, preRaw);
  writer.addCompressed(preId, 'data', pre.payload, pre.compression, preRaw.length);
  raws.set(preId, preRaw);
  return { ...writer.finish(), raws };
}

const stored = (pack: BuiltPack, entry: PackEntry): Buffer =>
  pack.bytes.subarray(entry.offset, entry.offset + entry.length);

/** A pack whose footer is validly sealed around an arbitrary entry table (a buggy or hostile writer). */
function packWithTable(records: Buffer, table: PackEntry[]): { packId: PackId; bytes: Buffer } {
  const plain = Buffer.alloc(1 + table.length * PACK_ENTRY_BYTES);
  plain[0] = 1;
  table.forEach((entry, i) => encodePackEntry(plain, 1 + i * PACK_ENTRY_BYTES, entry));
  const footer = seal(keys.dataKey, plain, Buffer.from('amber/v1/pack-footer'));
  const trailer = Buffer.concat([Buffer.alloc(4), Buffer.from('AMBERPK1')]);
  trailer.writeUInt32LE(footer.length, 0);
  const bytes = Buffer.concat([records, footer, trailer]);
  return { packId: asPackId(createHash('sha256').update(bytes).digest('hex')), bytes };
}

/** From a tail alone, damage either throws or (a longer-looking footer) asks for more bytes. */
function assertNoEntriesFromTail(tail: Buffer, packId: PackId): void {
  try {
    const result = decodePackFooter(keys, packId, tail);
    assert.ok(!Array.isArray(result) && result.needBytes > tail.length, 'damaged footer decoded');
  } catch (error) {
    assert.ok(isAmberError(error, 'CORRUPT_OBJECT') || isAmberError(error, 'FORMAT_UNSUPPORTED'), String(error));
  }
}

describe('packs', () => {
  it('round-trips every blob, compressed or not, and names itself by the SHA-256 of its bytes', () => {
    const pack = buildPack();
    assert.equal(pack.packId, createHash('sha256').update(pack.bytes).digest('hex'));
    assert.equal(pack.bytes.subarray(-8).toString('latin1'), 'AMBERPK1');
    assert.deepEqual(readPackEntries(keys, pack.packId, pack.bytes), pack.entries);
    assert.deepEqual(
      pack.entries.map((entry) => entry.compression),
      [1, 0, 0, 0, 0, 1],
    );
    for (const entry of pack.entries) {
      assert.deepEqual(verifyBlob(keys, pack.packId, entry, stored(pack, entry)), pack.raws.get(entry.blobId));
    }
  });

  it('tracks its size, blob count and membership while being written, and refuses reuse', () => {
    const writer = new PackWriter(keys);
    const id = computeBlobId(keys.blobIdKey, Buffer.from('x'));
    writer.add(id, 'data', Buffer.from('x'));
    assert.equal(writer.blobCount, 1);
    assert.equal(writer.byteLength, 1 + 28);
    assert.ok(writer.has(id));
    assert.throws(
      () => writer.add(id, 'data', Buffer.from('x')),
      (error) => isAmberError(error, 'INTERNAL'),
    );
    writer.finish();
    assert.throws(
      () => writer.finish(),
      (error) => isAmberError(error, 'INTERNAL'),
    );
  });

  it('reads the footer from a tail, asking for more bytes when the tail is too short', () => {
    const pack = buildPack();
    const footerLength = pack.bytes.readUInt32LE(pack.bytes.length - 12);
    const short = decodePackFooter(keys, pack.packId, pack.bytes.subarray(pack.bytes.length - 100));
    assert.deepEqual(short, { needBytes: footerLength + 12 });
    const tail = pack.bytes.subarray(pack.bytes.length - (footerLength + 12));
    assert.deepEqual(decodePackFooter(keys, pack.packId, tail), pack.entries);
    assert.deepEqual(decodePackFooter(keys, pack.packId, pack.bytes), pack.entries);
  });

  it('detects a flipped byte at sampled positions and everywhere in the footer', () => {
    const pack = buildPack();
    const name = objectKeys.pack(pack.packId);
    const footerStart = pack.bytes.length - 12 - pack.bytes.readUInt32LE(pack.bytes.length - 12);
    const positions = new Set<number>();
    for (let i = 0; i < footerStart; i += 997) positions.add(i);
    for (let i = footerStart; i < pack.bytes.length; i++) positions.add(i);
    for (const i of positions) {
      const damaged = flipByte(pack.bytes, i);
      assertRejects(() => readPackEntries(keys, pack.packId, damaged), name);
      if (i >= footerStart) assertNoEntriesFromTail(damaged.subarray(footerStart - 5), pack.packId);
    }
  });

  it('detects a flipped byte inside a blob record, naming the pack and the blob', () => {
    const pack = buildPack();
    const name = objectKeys.pack(pack.packId);
    for (const entry of pack.entries) {
      for (const i of [0, 11, 12, entry.length - 17, entry.length - 1]) {
        const damaged = flipByte(stored(pack, entry), i);
        assert.throws(
          () => openBlob(keys, pack.packId, entry, damaged),
          (error) =>
            isAmberError(error, 'CORRUPT_OBJECT') &&
            error.details['object'] === name &&
            error.details['blob'] === entry.blobId,
        );
      }
    }
  });

  it('rejects an entry pointed at another blob, of another type, or of the wrong length', () => {
    const pack = buildPack();
    const name = objectKeys.pack(pack.packId);
    const [a, b, tree] = pack.entries;
    assert.ok(a !== undefined && b !== undefined && tree !== undefined);
    assertRejects(
      () => openBlob(keys, pack.packId, { ...a, offset: b.offset, length: b.length }, stored(pack, b)),
      name,
    );
    assertRejects(() => openBlob(keys, pack.packId, { ...tree, type: 'data' }, stored(pack, tree)), name);
    assertRejects(() => openBlob(keys, pack.packId, a, stored(pack, a).subarray(1)), name);
    assertRejects(() => openBlob(keys, pack.packId, { ...a, rawLength: a.rawLength + 1 }, stored(pack, a)), name);
  });

  it('verifyBlob catches a blob stored under an id that is not its HMAC', () => {
    const writer = new PackWriter(keys);
    const wrongId = computeBlobId(keys.blobIdKey, Buffer.from('something else'));
    writer.add(wrongId, 'data', Buffer.from('actual content'));
    const { packId, bytes, entries } = writer.finish();
    const [entry] = entries;
    assert.ok(entry !== undefined);
    assert.deepEqual(openBlob(keys, packId, entry, bytes.subarray(0, entry.length)), Buffer.from('actual content'));
    assertRejects(() => verifyBlob(keys, packId, entry, bytes.subarray(0, entry.length)), objectKeys.pack(packId));
  });

  it('reports an authentic footer with impossible offsets as corrupt, never as a RangeError', () => {
    const records = seal(keys.dataKey, Buffer.from('x'), Buffer.alloc(0));
    const blobId = computeBlobId(keys.blobIdKey, Buffer.from('x'));
    const base: PackEntry = { blobId, type: 'data', offset: 0, length: records.length, rawLength: 1, compression: 0 };
    for (const table of [
      [{ ...base, offset: 5 }],
      [{ ...base, length: 0xffffff00 }],
      [{ ...base, length: 3, offset: 0 }],
      [base, base],
      [],
    ]) {
      const { packId, bytes } = packWithTable(records, table);
      assertRejects(() => readPackEntries(keys, packId, bytes), objectKeys.pack(packId));
    }
    const good = packWithTable(records, [base]);
    assert.deepEqual(readPackEntries(keys, good.packId, good.bytes), [base]);
  });

  it('accepts an empty pack', () => {
    const { packId, bytes, entries } = new PackWriter(keys).finish();
    assert.deepEqual(entries, []);
    assert.deepEqual(readPackEntries(keys, packId, bytes), []);
  });

  it('rejects a pack under the wrong id', () => {
    const pack = buildPack();
    const otherId = asPackId('00'.repeat(32));
    assertRejects(() => readPackEntries(keys, otherId, pack.bytes), objectKeys.pack(otherId));
  });
});
