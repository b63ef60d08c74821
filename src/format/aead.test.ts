import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { open, seal, SEAL_OVERHEAD_BYTES, tryOpen } from './aead.js';
import { assertRejects, flipByte } from './testing/assert-rejects.js';

const key = randomBytes(32);
const aad = Buffer.from('amber/v1/test', 'utf8');

describe('AES-256-GCM sealing', () => {
  it('round-trips and adds exactly nonce and tag', () => {
    const plaintext = Buffer.from('the quick brown fox');
    const sealed = seal(key, plaintext, aad);
    assert.equal(sealed.length, plaintext.length + SEAL_OVERHEAD_BYTES);
    assert.deepEqual(open(key, sealed, aad, 'points/x'), plaintext);
    assert.deepEqual(open(key, seal(key, new Uint8Array(0), aad), aad, 'points/x'), Buffer.alloc(0));
  });

  it('lays a record out as nonce(12) | ciphertext | tag(16)', () => {
    const plaintext = Buffer.from('layout check');
    const sealed = seal(key, plaintext, aad);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const out = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    assert.deepEqual(out, plaintext);
  });

  it('detects a flipped byte at every position, naming the object', () => {
    const sealed = seal(key, Buffer.from('sixteen byte msg'), aad);
    for (let i = 0; i < sealed.length; i++)
      assertRejects(() => open(key, flipByte(sealed, i), aad, 'index/abc'), 'index/abc');
  });

  it('refuses another AAD, another key and a truncated record', () => {
    const sealed = seal(key, Buffer.from('payload'), aad);
    assert.equal(tryOpen(key, sealed, Buffer.from('amber/v1/other')), undefined);
    assert.equal(tryOpen(randomBytes(32), sealed, aad), undefined);
    assert.equal(tryOpen(key, sealed.subarray(0, 20), aad), undefined);
  });

  it('never repeats a nonce across many seals (the pool refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(seal(key, Buffer.alloc(1), aad).subarray(0, 12).toString('hex'));
    assert.equal(seen.size, 5000);
  });
});
