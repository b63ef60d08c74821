import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asKeyId, asVaultId, isKeyId } from '../core/ids.js';
import { newKeyId, openKeyEnvelope, readKeyEnvelopeMeta, sealKeyEnvelope, type KdfCost } from './key-envelope.js';
import { assertRejects, assertRejectsAsync, flipByte } from './testing/assert-rejects.js';
import { newMasterSecret } from './vault-keys.js';

const CHEAP: KdfCost = { logN: 10, r: 8, p: 1 };
const vaultId = asVaultId('00112233445566778899aabbccddeeff');
const keyId = asKeyId('0123456789abcdef');
const name = `keys/${keyId}`;

async function makeEnvelope(masterSecret = newMasterSecret()): Promise<{ bytes: Buffer; masterSecret: Buffer }> {
  const bytes = await sealKeyEnvelope({
    masterSecret,
    passphrase: 'correct horse',
    vaultId,
    keyId,
    createdAt: 1_700_000_000_000,
    label: 'laptop',
    kdf: CHEAP,
  });
  return { bytes, masterSecret };
}

/** Re-seals the JSON of an envelope with a fresh valid checksum after `edit`. */
function rewrite(bytes: Buffer, edit: (json: Record<string, unknown>) => void): Buffer {
  const json = JSON.parse(bytes.subarray(8, bytes.length - 32).toString('utf8')) as Record<string, unknown>;
  edit(json);
  const body = Buffer.concat([Buffer.from('AMBERKEY'), Buffer.from(JSON.stringify(json))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('key envelopes', () => {
  it('opens with the passphrase and returns the master secret', async () => {
    const { bytes, masterSecret } = await makeEnvelope();
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'AMBERKEY');
    assert.deepEqual(await openKeyEnvelope(bytes, 'correct horse', { vaultId, keyId }), masterSecret);
  });

  it('normalizes the passphrase to NFC before the KDF', async () => {
    const masterSecret = newMasterSecret();
    const bytes = await sealKeyEnvelope({
      masterSecret,
      passphrase: 'caf\u00e9',
      vaultId,
      keyId,
      createdAt: 0,
      kdf: CHEAP,
    });
    assert.deepEqual(await openKeyEnvelope(bytes, 'cafe\u0301', { vaultId, keyId }), masterSecret);
  });

  it('says WRONG_PASSWORD for another passphrase', async () => {
    const { bytes } = await makeEnvelope();
    await assertRejectsAsync(() => openKeyEnvelope(bytes, 'wrong', { vaultId, keyId }), name, 'WRONG_PASSWORD');
  });

  it('reads its metadata without the passphrase', async () => {
    const { bytes } = await makeEnvelope();
    assert.deepEqual(readKeyEnvelopeMeta(bytes, keyId), {
      vaultId,
      keyId,
      createdAt: 1_700_000_000_000,
      kdf: CHEAP,
      label: 'laptop',
    });
  });

  it('detects a flipped byte at every position by its checksum', async () => {
    const { bytes } = await makeEnvelope();
    for (let i = 0; i < bytes.length; i++) assertRejects(() => readKeyEnvelopeMeta(flipByte(bytes, i), keyId), name);
    await assertRejectsAsync(() => openKeyEnvelope(flipByte(bytes, 100), 'correct horse', { vaultId, keyId }), name);
  });

  it('refuses an envelope of another vault or stored under another key id', async () => {
    const { bytes } = await makeEnvelope();
    const otherVault = asVaultId('ffffffffffffffffffffffffffffffff');
    await assertRejectsAsync(() => openKeyEnvelope(bytes, 'correct horse', { vaultId: otherVault, keyId }), name);
    const otherKey = asKeyId('fedcba9876543210');
    assertRejects(() => readKeyEnvelopeMeta(bytes, otherKey), `keys/${otherKey}`);
  });

  it('binds the wrapped secret to its vault and key id (moving it fails authentication)', async () => {
    const { bytes } = await makeEnvelope();
    const moved = rewrite(bytes, (json) => {
      json['vaultId'] = 'ffffffffffffffffffffffffffffffff';
    });
    const otherVault = asVaultId('ffffffffffffffffffffffffffffffff');
    await assertRejectsAsync(
      () => openKeyEnvelope(moved, 'correct horse', { vaultId: otherVault, keyId }),
      name,
      'WRONG_PASSWORD',
    );
  });

  it('rejects unknown versions, algorithms and out-of-range costs', async () => {
    const { bytes } = await makeEnvelope();
    const newer = rewrite(bytes, (json) => {
      json['formatVersion'] = 2;
    });
    assertRejects(() => readKeyEnvelopeMeta(newer, keyId), name, 'FORMAT_UNSUPPORTED');
    const argon = rewrite(bytes, (json) => {
      (json['kdf'] as Record<string, unknown>)['alg'] = 'argon2id';
    });
    assertRejects(() => readKeyEnvelopeMeta(argon, keyId), name, 'FORMAT_UNSUPPORTED');
    const huge = rewrite(bytes, (json) => {
      (json['kdf'] as Record<string, unknown>)['logN'] = 40;
    });
    assertRejects(() => readKeyEnvelopeMeta(huge, keyId), name);
  });

  it('refuses to seal with an unusable cost or secret', async () => {
    const base = { passphrase: 'x', vaultId, keyId, createdAt: 0 };
    await assert.rejects(
      sealKeyEnvelope({ ...base, masterSecret: newMasterSecret(), kdf: { logN: 4, r: 8, p: 1 } }),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(sealKeyEnvelope({ ...base, masterSecret: Buffer.alloc(16), kdf: CHEAP }), (error) =>
      isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('makes random 16-hex key ids', () => {
    const id = newKeyId();
    assert.ok(isKeyId(id));
    assert.notEqual(id, newKeyId());
  });
});
