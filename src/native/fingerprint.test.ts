import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint128 } from './fingerprint.js';

describe('fingerprint128 (XXH3-128, native)', () => {
  it('gives the reference XXH3-128 values', () => {
    // xxHash's published values: XXH3_128bits("abc") and of the empty input, seed 0.
    assert.equal(fingerprint128(Buffer.from('abc'), 0, 0), '06b05ab6733a618578af5f94892f3950');
    assert.equal(fingerprint128(new Uint8Array(0), 0, 0), '99aa06d3014798d86001c324468d497f');
  });

  it('hashes exactly the bytes of a view, and depends on the seed', () => {
    const whole = Buffer.from('xxabcxx');
    assert.equal(fingerprint128(whole.subarray(2, 5), 0, 0), fingerprint128(Buffer.from('abc'), 0, 0));
    const seeded = fingerprint128(Buffer.from('abc'), 1, 2);
    assert.notEqual(seeded, fingerprint128(Buffer.from('abc'), 2, 1));
    assert.match(seeded ?? '', /^[0-9a-f]{32}$/);
  });

  it('refuses what is not bytes', () => {
    const addonCall = fingerprint128 as unknown as (bytes: unknown, high: number, low: number) => string;
    assert.throws(() => addonCall('abc', 0, 0), TypeError);
    assert.throws(() => addonCall(new Float64Array(2), 0, 0), TypeError);
  });
});
