import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeBlobId } from './blob-id.js';

describe('blob ids', () => {
  it('are the lowercase hex HMAC-SHA-256 of the plaintext under the blob-id key', () => {
    const key = randomBytes(32);
    const data = Buffer.from('some chunk');
    assert.equal(computeBlobId(key, data), createHmac('sha256', key).update(data).digest('hex'));
    assert.match(computeBlobId(key, data), /^[0-9a-f]{64}$/);
  });

  it('differ between vaults for the same content', () => {
    const data = Buffer.from('same content');
    assert.notEqual(computeBlobId(randomBytes(32), data), computeBlobId(randomBytes(32), data));
  });
});
