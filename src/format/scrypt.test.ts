import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { scryptKey, scryptUsesLibsodium, type ScryptCost } from './scrypt.js';

const reference = (passphrase: Buffer, salt: Buffer, keyBytes: number, { logN, r, p }: ScryptCost): Buffer =>
  scryptSync(passphrase, salt, keyBytes, { N: 2 ** logN, r, p, maxmem: 512 * 1024 * 1024 });

describe('scryptKey', () => {
  it('matches the RFC 7914 test vector (N = 16384, r = 8, p = 1)', async () => {
    // RFC 7914 §12, the third vector: its salt is not 32 bytes, so node:crypto computes it.
    const key = await scryptKey(Buffer.from('pleaseletmein'), Buffer.from('SodiumChloride'), 64, {
      logN: 14,
      r: 8,
      p: 1,
    });
    assert.equal(
      key.toString('hex'),
      '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
    );
  });

  it('computes with libsodium the costs it can, and gives the key node:crypto gives', async () => {
    const salt = randomBytes(32);
    const passphrase = Buffer.from('correct horse battery staple ✓', 'utf8');
    const costs: ScryptCost[] = [
      { logN: 14, r: 8, p: 1 },
      { logN: 15, r: 8, p: 2 },
      { logN: 16, r: 8, p: 1 },
      { logN: 14, r: 8, p: 3 },
    ];
    for (const cost of costs) {
      assert.equal(scryptUsesLibsodium(salt, 32, cost), true, `libsodium for ${JSON.stringify(cost)}`);
      assert.deepEqual(
        await scryptKey(passphrase, salt, 32, cost),
        reference(passphrase, salt, 32, cost),
        JSON.stringify(cost),
      );
    }
  });

  it('leaves to node:crypto what libsodium cannot compute, with the same result', async () => {
    const salt = randomBytes(32);
    const passphrase = Buffer.from('pw');
    const others: [Buffer, ScryptCost][] = [
      [salt, { logN: 10, r: 8, p: 1 }], // under libsodium's memory minimum
      [salt, { logN: 12, r: 4, p: 1 }], // r other than 8
      [randomBytes(16), { logN: 14, r: 8, p: 1 }], // a salt it refuses
    ];
    for (const [s, cost] of others) {
      assert.equal(scryptUsesLibsodium(s, 32, cost), false, JSON.stringify(cost));
      assert.deepEqual(
        await scryptKey(passphrase, s, 32, cost),
        reference(passphrase, s, 32, cost),
        JSON.stringify(cost),
      );
    }
  });
});
