import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { compressBlob, decompressBlob } from './compression.js';
import { assertRejects } from './testing/assert-rejects.js';
import { textBytes } from './testing/test-bytes.js';

const NAME = 'packs/ab/abcd';

describe('blob compression', () => {
  it('compresses text with zstd and restores it exactly', () => {
    for (const size of [300, 4096, 65536, 65537, 1024 * 1024]) {
      const raw = textBytes(size);
      const { payload, compression } = compressBlob(raw);
      assert.equal(compression, 1, `size ${size}`);
      assert.ok(payload.length < raw.length);
      assert.deepEqual(decompressBlob(payload, compression, raw.length, NAME), raw);
    }
  });

  it('stores random data raw (the sample does not shrink)', () => {
    for (const size of [5000, 65536, 200_000, 4 * 1024 * 1024]) {
      const raw = randomBytes(size);
      const result = compressBlob(raw);
      assert.equal(result.compression, 0, `size ${size}`);
      assert.equal(result.payload, raw);
      assert.deepEqual(decompressBlob(result.payload, 0, size, NAME), raw);
    }
  });

  it('stores blobs under 64 bytes raw, even when they would compress', () => {
    const raw = Buffer.alloc(63, 'a');
    assert.equal(compressBlob(raw).compression, 0);
  });

  it('stores raw when compression saves less than 1/32', () => {
    const raw = Buffer.concat([randomBytes(60_000), Buffer.alloc(1000)]); // ≤ 64 KiB: no sample, whole-blob test
    assert.equal(compressBlob(raw).compression, 0);
  });

  it('hands out payloads that later compressions do not overwrite', () => {
    const first = textBytes(100_000);
    const a = compressBlob(first);
    compressBlob(textBytes(300_000).reverse());
    assert.deepEqual(decompressBlob(a.payload, a.compression, first.length, NAME), first);
  });

  it('reports a wrong raw length or a damaged frame as a corrupt object', () => {
    const raw = textBytes(10_000);
    const { payload } = compressBlob(raw);
    assertRejects(() => decompressBlob(payload, 1, raw.length + 1, NAME), NAME);
    assertRejects(() => decompressBlob(payload, 1, raw.length - 1, NAME), NAME);
    assertRejects(() => decompressBlob(Buffer.from('not zstd at all'), 1, 10, NAME), NAME);
    assertRejects(() => decompressBlob(raw, 0, raw.length - 1, NAME), NAME);
  });

  it('refuses an unknown compression id as an unsupported format', () => {
    assertRejects(() => decompressBlob(Buffer.alloc(4), 7 as 0, 4, NAME), NAME, 'FORMAT_UNSUPPORTED');
  });
});
