import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Chunker, gearTable } from '../format/chunker.js';
import { chunkFile, type ChunkHashes, type PreviousChunks } from './file-chunks.js';

const PARAMS = { minSizeBytes: 1024, avgSizeBytes: 4096, maxSizeBytes: 16 * 1024 };
const chunker = new Chunker(PARAMS, gearTable(Buffer.alloc(32, 7)));

function bytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0, i = 0; at < length; i++) at += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  return out;
}

/** Chunks `data` as a file read in uneven pieces; returns the chunks and how often the chunker and idOf ran. */
function chunk(
  data: Buffer,
  previous?: PreviousChunks,
  options: { readonly fingerprints?: boolean } = {},
): { chunks: PreviousChunks; cuts: number; idsComputed: number } {
  const ids: string[] = [];
  const lengths: number[] = [];
  const fingerprints: string[] = [];
  let at = 0;
  let cuts = 0;
  let idsComputed = 0;
  const counting = Object.create(chunker) as Chunker;
  counting.nextChunkLength = (...args) => {
    cuts++;
    return chunker.nextChunkLength(...args);
  };
  const hashes: ChunkHashes = {
    idOf: (c) => {
      idsComputed++;
      return createHash('sha256').update(c).digest('hex');
    },
    ...(options.fingerprints === true && { fingerprintOf: (c) => createHash('md5').update(c).digest('hex') }),
  };
  const total = chunkFile(
    (buffer, offset, length) => {
      const n = Math.min(length, 5000 + (at % 3000), data.length - at);
      data.copy(buffer, offset, at, at + n);
      at += n;
      return n;
    },
    Buffer.alloc(PARAMS.maxSizeBytes + 4096),
    counting,
    hashes,
    previous,
    (c, id, fingerprint) => {
      ids.push(id);
      lengths.push(c.length);
      if (fingerprint !== undefined) fingerprints.push(fingerprint);
    },
  );
  assert.equal(total, data.length);
  assert.equal(fingerprints.length, options.fingerprints === true ? ids.length : 0);
  return { chunks: { ids, lengths, ...(options.fingerprints === true && { fingerprints }) }, cuts, idsComputed };
}

const original = bytes('original', 300_000);
const splice = (data: Buffer, at: number, remove: number, insert: Buffer): Buffer =>
  Buffer.concat([data.subarray(0, at), insert, data.subarray(at + remove)]);

const changes: Record<string, (data: Buffer) => Buffer> = {
  'nothing changed': (d) => d,
  'a block overwritten in place': (d) => splice(d, 150_000, 4096, bytes('block', 4096)),
  'bytes inserted in the middle': (d) => splice(d, 120_000, 0, bytes('inserted', 777)),
  'bytes removed from the middle': (d) => splice(d, 200_000, 5_000, Buffer.alloc(0)),
  'bytes appended': (d) => Buffer.concat([d, bytes('tail', 9_000)]),
  'a few bytes appended': (d) => Buffer.concat([d, Buffer.from('x')]),
  truncated: (d) => d.subarray(0, 250_000),
  'truncated at a previous cut': (d) => d, // replaced below with the exact cut
  'bytes prepended': (d) => Buffer.concat([bytes('head', 3_000), d]),
  'a stretch repeated': (d) =>
    Buffer.concat([d.subarray(0, 100_000), d.subarray(50_000, 100_000), d.subarray(100_000)]),
  'everything replaced': () => bytes('other', 280_000),
  emptied: () => Buffer.alloc(0),
};

describe('chunkFile with the previous chunks of a changed file', () => {
  const before = chunk(original).chunks;
  const beforeWithFingerprints = chunk(original, undefined, { fingerprints: true }).chunks;

  for (const [name, change] of Object.entries(changes)) {
    it(`gives exactly the chunker's chunks: ${name}`, () => {
      let data = change(original);
      if (name === 'truncated at a previous cut') {
        data = original.subarray(
          0,
          before.lengths.slice(0, 20).reduce((a, b) => a + b, 0),
        );
      }
      const plain = chunk(data);
      const helped = chunk(data, before);
      assert.deepEqual(helped.chunks, plain.chunks);
      // Checked by fingerprint: the same chunks, and the fingerprints of them all.
      const byFingerprint = chunk(data, beforeWithFingerprints, { fingerprints: true });
      assert.deepEqual(byFingerprint.chunks, chunk(data, undefined, { fingerprints: true }).chunks);
      assert.deepEqual(
        { ...byFingerprint.chunks, fingerprints: undefined },
        { ...plain.chunks, fingerprints: undefined },
      );
    });
  }

  it('checks unchanged chunks by their fingerprint, computing blob ids only for the changed ones', () => {
    const data = changes['a block overwritten in place']?.(original) as Buffer;
    const plain = chunk(data);
    const helped = chunk(data, beforeWithFingerprints, { fingerprints: true });
    assert.ok(
      helped.idsComputed <= 6,
      `${helped.idsComputed} blob ids computed for ${plain.chunks.ids.length} chunks, one block of them changed`,
    );
  });

  it('reads a chunk whose fingerprint differs as changed, even with the same length', () => {
    const forged: PreviousChunks = {
      ...beforeWithFingerprints,
      fingerprints: beforeWithFingerprints.ids.map(() => 'f'.repeat(32)),
    };
    assert.deepEqual(chunk(original, forged, { fingerprints: true }).chunks, beforeWithFingerprints);
  });

  it('skips the chunker over the unchanged stretches', () => {
    const data = changes['a block overwritten in place']?.(original) as Buffer;
    const plain = chunk(data);
    const helped = chunk(data, before);
    assert.ok(helped.cuts <= plain.cuts / 5, `the chunker cut ${helped.cuts} times, ${plain.cuts} without help`);
  });

  it('ignores previous chunks that do not fit the file', () => {
    const wrong: PreviousChunks = { ids: ['0'.repeat(64), '1'.repeat(64)], lengths: [10_000_000, 5] };
    assert.deepEqual(chunk(original, wrong).chunks, before);
  });
});
