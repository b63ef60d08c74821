import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { Chunker, DEFAULT_CHUNKER_PARAMS, gearTable, type ChunkerParams } from './chunker.js';
import { pseudoRandomBytes } from './testing/test-bytes.js';

const SMALL: ChunkerParams = { minSizeBytes: 4096, avgSizeBytes: 16384, maxSizeBytes: 65536 };
const FIXED_KEY = Buffer.alloc(32, 7);

function cutAll(chunker: Chunker, data: Uint8Array): number[] {
  const lengths: number[] = [];
  for (let start = 0; start < data.length;) {
    const length = chunker.nextChunkLength(data, start, data.length, true);
    assert.ok(length > 0);
    lengths.push(length);
    start += length;
  }
  return lengths;
}

/** The spec of docs/format.md §6 written the slow, obvious way: hash every byte from the chunk start. */
function referenceCuts(data: Uint8Array, params: ChunkerParams, gear: Uint32Array): number[] {
  const bits = Math.log2(params.avgSizeBytes);
  const maskS = (0xffffffff << (32 - (bits + 2))) | 0;
  const maskL = (0xffffffff << (32 - (bits - 2))) | 0;
  const lengths: number[] = [];
  for (let start = 0; start < data.length;) {
    const available = data.length - start;
    let length = Math.min(available, params.maxSizeBytes);
    if (available > params.minSizeBytes) {
      let hash = 0;
      for (let j = 0; j < Math.min(available, params.maxSizeBytes); j++) {
        hash = ((hash << 1) + (gear[data[start + j] ?? 0] ?? 0)) | 0;
        if (j < params.minSizeBytes) continue;
        const mask = j < params.avgSizeBytes ? maskS : maskL;
        if ((hash & mask) === 0) {
          length = j + 1;
          break;
        }
      }
    }
    lengths.push(length);
    start += length;
  }
  return lengths;
}

describe('FastCDC chunker', () => {
  it('derives the gear table from the AES-256-CTR keystream (zero IV) as little-endian u32', () => {
    const key = randomBytes(32);
    const stream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(1024));
    const table = gearTable(key);
    assert.equal(table.length, 256);
    for (let i = 0; i < 256; i++) assert.equal(table[i], stream.readUInt32LE(i * 4));
    assert.notDeepEqual(gearTable(randomBytes(32)), table);
    assert.deepEqual([...gearTable(Buffer.alloc(32)).subarray(0, 2)], [2025887196, 2307473570]);
  });

  it('uses the native cut search here (Linux, addon built by npm install)', () => {
    assert.equal(new Chunker(SMALL, gearTable(FIXED_KEY)).implementation, 'native');
    assert.equal(new Chunker(SMALL, gearTable(FIXED_KEY), 'portable').implementation, 'portable');
  });

  for (const implementation of ['native', 'portable'] as const) {
    it(`cuts exactly where the byte-by-byte reference of the spec cuts (${implementation})`, () => {
      for (const params of [SMALL, { minSizeBytes: 32, avgSizeBytes: 256, maxSizeBytes: 1024 }]) {
        const gear = gearTable(randomBytes(32));
        const data = randomBytes(3 * 1024 * 1024);
        assert.deepEqual(cutAll(new Chunker(params, gear, implementation), data), referenceCuts(data, params, gear));
      }
    });

    it(`finds the same cut points for a fixed key and input (golden values, ${implementation})`, () => {
      const chunker = new Chunker(SMALL, gearTable(FIXED_KEY), implementation);
      assert.deepEqual(cutAll(chunker, pseudoRandomBytes(512 * 1024, 42)).slice(0, 8), GOLDEN_FIRST_CUTS);
    });
  }

  it('keeps every chunk within [min, max] and the average near avg on random data', () => {
    const data = randomBytes(16 * 1024 * 1024);
    const lengths = cutAll(new Chunker(SMALL, gearTable(randomBytes(32))), data);
    for (const length of lengths.slice(0, -1)) {
      assert.ok(length >= SMALL.minSizeBytes && length <= SMALL.maxSizeBytes, `length ${length}`);
    }
    const average = data.length / lengths.length;
    assert.ok(average > SMALL.avgSizeBytes * 0.8 && average < SMALL.avgSizeBytes * 1.6, `average ${average}`);
  });

  it('re-synchronizes after bytes are inserted in the middle', () => {
    // Deterministic inputs (20 keys × 512 KiB): chance makes an insert cost 2+ chunks ~3 % of the time.
    const chunksOf = (chunker: Chunker, data: Buffer): Set<string> => {
      const set = new Set<string>();
      let start = 0;
      for (const length of cutAll(chunker, data)) {
        set.add(data.subarray(start, start + length).toString('base64'));
        start += length;
      }
      return set;
    };
    let totalLost = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const chunker = new Chunker(SMALL, gearTable(Buffer.alloc(32, seed)));
      const original = pseudoRandomBytes(512 * 1024, seed);
      const middle = original.length / 2;
      const inserted = pseudoRandomBytes(100, seed + 1000);
      const edited = Buffer.concat([original.subarray(0, middle), inserted, original.subarray(middle)]);
      const before = chunksOf(chunker, original);
      const after = chunksOf(chunker, edited);
      const lost = before.size - [...after].filter((chunk) => before.has(chunk)).length;
      assert.ok(lost >= 1 && lost <= 10, `seed ${seed}: ${lost} of ${before.size} chunks lost`);
      totalLost += lost;
    }
    assert.ok(totalLost <= 30, `${totalLost} chunks lost over 20 inserts`);
  });

  it('asks for more data (returns 0) until a cut or max is reachable, and streams to the same cuts', () => {
    const chunker = new Chunker(SMALL, gearTable(randomBytes(32)));
    const data = randomBytes(1024 * 1024);
    assert.equal(chunker.nextChunkLength(data, 0, 1000, false), 0);
    assert.equal(chunker.nextChunkLength(data, 0, 1000, true), 1000);
    const streamed: number[] = [];
    let start = 0;
    let end = 0;
    while (start < data.length) {
      const eof = end === data.length;
      const length = chunker.nextChunkLength(data, start, end, eof);
      if (length === 0) {
        end = Math.min(data.length, end + 7000);
        continue;
      }
      streamed.push(length);
      start += length;
    }
    assert.deepEqual(streamed, cutAll(chunker, data));
  });

  it('cuts long runs of zeros deterministically at min or max', () => {
    const lengths = cutAll(new Chunker(SMALL, gearTable(FIXED_KEY)), Buffer.alloc(300_000));
    for (const length of lengths.slice(0, -1)) assert.ok([SMALL.minSizeBytes + 1, SMALL.maxSizeBytes].includes(length));
  });

  it('refuses parameters it cannot honour', () => {
    const gear = gearTable(FIXED_KEY);
    for (const params of [
      { ...SMALL, avgSizeBytes: 10000 },
      { ...SMALL, minSizeBytes: 20000 },
      { ...SMALL, maxSizeBytes: 8192 },
      { ...SMALL, minSizeBytes: 16 },
    ]) {
      assert.throws(
        () => new Chunker(params, gear),
        (error) => isAmberError(error, 'INVALID_ARGUMENT'),
      );
    }
    assert.throws(
      () => new Chunker(SMALL, new Uint32Array(10)),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
    assert.doesNotThrow(() => new Chunker(DEFAULT_CHUNKER_PARAMS, gear));
  });
});

const GOLDEN_FIRST_CUTS = [22173, 30294, 19952, 20304, 17755, 16367, 10527, 26236];
