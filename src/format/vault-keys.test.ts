import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveLocalCacheKey, deriveVaultKeys, newMasterSecret } from './vault-keys.js';

/** RFC 5869 HKDF-SHA-256 for one output block, written out independently of crypto.hkdfSync. */
function hkdfOneBlock(secret: Buffer, info: string): Buffer {
  const prk = createHmac('sha256', Buffer.alloc(32)).update(secret).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from(info, 'utf8'), Buffer.from([1])]))
    .digest();
}

describe('vault keys', () => {
  it('makes a fresh 32-byte master secret each time', () => {
    const a = newMasterSecret();
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, newMasterSecret());
  });

  it('derives the three keys with HKDF-SHA-256, empty salt and the documented info strings', () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    const keys = deriveVaultKeys(secret);
    assert.deepEqual(keys.dataKey, hkdfOneBlock(secret, 'amber/v1/data'));
    assert.deepEqual(keys.blobIdKey, hkdfOneBlock(secret, 'amber/v1/blob-id'));
    assert.deepEqual(keys.chunkerKey, hkdfOneBlock(secret, 'amber/v1/chunker'));
  });

  it('derives the local cache key the same way, distinct from the vault keys', () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    const key = deriveLocalCacheKey(secret);
    assert.deepEqual(key, hkdfOneBlock(secret, 'amber/v1/local-cache'));
    const { dataKey, blobIdKey, chunkerKey } = deriveVaultKeys(secret);
    assert.ok([dataKey, blobIdKey, chunkerKey].every((vaultKey) => !key.equals(vaultKey)));
  });

  it('derives distinct keys, the same ones again for the same secret', () => {
    const secret = newMasterSecret();
    const keys = deriveVaultKeys(secret);
    assert.notDeepEqual(keys.dataKey, keys.blobIdKey);
    assert.notDeepEqual(keys.blobIdKey, keys.chunkerKey);
    assert.deepEqual(deriveVaultKeys(secret), keys);
    assert.notDeepEqual(deriveVaultKeys(newMasterSecret()).dataKey, keys.dataKey);
  });
});
