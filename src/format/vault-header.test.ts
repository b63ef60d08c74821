import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asVaultId } from '../core/ids.js';
import { DEFAULT_CHUNKER_PARAMS } from './chunker.js';
import { assertRejects, flipByte } from './testing/assert-rejects.js';
import { decodeVaultHeader, encodeVaultHeader, FORMAT_VERSION, type VaultHeader } from './vault-header.js';

const header: VaultHeader = {
  formatVersion: FORMAT_VERSION,
  vaultId: asVaultId('0123456789abcdef0123456789abcdef'),
  createdAt: 1_700_000_000_000,
  chunker: DEFAULT_CHUNKER_PARAMS,
};

/** A header with valid magic and checksum around arbitrary JSON. */
function withChecksum(json: string): Buffer {
  const body = Buffer.concat([Buffer.from('AMBERVLT'), Buffer.from(json)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('vault header', () => {
  it('round-trips and starts with the AMBERVLT magic', () => {
    const bytes = encodeVaultHeader(header);
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'AMBERVLT');
    assert.deepEqual(decodeVaultHeader(bytes), header);
  });

  it('detects a flipped byte at every position as a corrupt amber.vault', () => {
    const bytes = encodeVaultHeader(header);
    for (let i = 0; i < bytes.length; i++) assertRejects(() => decodeVaultHeader(flipByte(bytes, i)), 'amber.vault');
    assertRejects(() => decodeVaultHeader(bytes.subarray(0, bytes.length - 1)), 'amber.vault');
    assertRejects(() => decodeVaultHeader(Buffer.alloc(0)), 'amber.vault');
  });

  it('reports a newer format version as unsupported', () => {
    const json = JSON.stringify({ ...header, formatVersion: 2 });
    assertRejects(() => decodeVaultHeader(withChecksum(json)), 'amber.vault', 'FORMAT_UNSUPPORTED');
  });

  it('rejects well-checksummed headers with bad fields', () => {
    for (const bad of [
      { ...header, vaultId: 'XYZ' },
      { ...header, createdAt: -1 },
      { ...header, chunker: { ...header.chunker, avgSizeBytes: 1000 } },
      { ...header, extra: true },
    ]) {
      assertRejects(() => decodeVaultHeader(withChecksum(JSON.stringify(bad))), 'amber.vault');
    }
    assertRejects(() => decodeVaultHeader(withChecksum('{not json')), 'amber.vault');
  });

  it('refuses to encode a header it could not read back', () => {
    assert.throws(
      () => encodeVaultHeader({ ...header, chunker: { ...header.chunker, minSizeBytes: 0 } }),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
