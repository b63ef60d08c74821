import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Chunker, gearTable } from '../format/chunker.js';
import { chunkFile, type PreviousChunks } from './file-chunks.js';

const PARAMS = { minSizeBytes: 1024, avgSizeBytes: 4096, maxSizeBytes: 16 * 1024 };
const chunker = new Chunker(PARAMS, gearTable(Buffer.alloc(32, 7)));

function bytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0, i = 0; at < length; i++) at += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  return out;
}

/** Chunks `data` as a file read in uneven pieces; returns the chunks and how often the chunker was asked. */
function chunk(data: Buffer, previous?: PreviousChunks): { chunks: PreviousChunks; cuts: number } {
  const ids: string[] = [];
  const lengths: number[] = [];
  let at = 0;
  let cuts = 0;
  const counting = Object.create(chunker) as Chunker;
  counting.nextChunkLength = (...args) => {
    cuts++;
    return chunker.nextChunkLength(...args);
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
    (c) => createHash('sha256').update(c).digest('hex'),
    previous,
    (c, id) => {
      ids.push(id);
      lengths.push(c.length);
    },
  );
  assert.equal(total, data.length);
  return { chunks: { ids, lengths }, cuts };
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
    });
  }

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
