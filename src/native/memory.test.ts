import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeAddonUnavailable } from './addon.js';
import { keepFreedMemory } from './memory.js';

describe('keepFreedMemory', () => {
  it('sets the C allocator to keep freed memory (glibc, the addon built by npm install)', () => {
    assert.equal(nativeAddonUnavailable(), null);
    assert.equal(keepFreedMemory(), true);
    // Memory is still allocated and freed as usual afterwards.
    const buffers = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 1));
    assert.equal(
      buffers.reduce((sum, b) => sum + (b[0] as number), 0),
      64,
    );
  });
});
