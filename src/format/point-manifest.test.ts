import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asBlobId, asIndexId, asPackId, asPointId, asVaultId, objectKeys } from '../core/ids.js';
import {
  decodePointManifest,
  encodePointManifest,
  readPointHeader,
  type PointBody,
  type PointHeader,
} from './point-manifest.js';
import { assertRejects, flipByte } from './testing/assert-rejects.js';
import { deriveVaultKeys, newMasterSecret } from './vault-keys.js';

const keys = deriveVaultKeys(newMasterSecret());
const hex64 = (): string => randomBytes(32).toString('hex');

const header: PointHeader = {
  formatVersion: 1,
  vaultId: asVaultId('00112233445566778899aabbccddeeff'),
  item: 'web-01:/srv',
  createdAt: 1_700_000_000_000,
  retainUntil: 1_702_592_000_000,
  tags: ['daily', 'weekly'],
  hostname: 'web-01',
  paths: ['/srv', '/etc'],
};
const body: PointBody = {
  root: asBlobId(hex64()),
  indexIds: [asIndexId(hex64())],
  packIds: [asPackId(hex64()), asPackId(hex64())],
  stats: {
    files: 10,
    dirs: 2,
    sizeBytes: 12345,
    addedBytes: 100,
    addedStoredBytes: 60,
    blobs: 12,
    newBlobs: 3,
    durationMs: 1500,
    warnings: 0,
  },
};

describe('point manifests', () => {
  it('round-trips with and without a parent, named by the SHA-256 of its bytes', () => {
    const withParent: PointBody = { ...body, parent: asPointId(hex64()) };
    for (const b of [body, withParent]) {
      const { pointId, bytes } = encodePointManifest(keys, header, b);
      assert.equal(pointId, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(bytes.subarray(0, 8).toString('latin1'), 'AMBERPT1');
      assert.deepEqual(decodePointManifest(keys, pointId, bytes), { header, body: b });
    }
  });

  it('exposes its header without the key', () => {
    const { pointId, bytes } = encodePointManifest(keys, header, body);
    assert.deepEqual(readPointHeader(bytes, pointId), header);
    const headerLength = bytes.readUInt32LE(8);
    assert.deepEqual(JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')), header);
  });

  it('detects a flipped byte at every position, naming the point object', () => {
    const { pointId, bytes } = encodePointManifest(keys, header, body);
    const name = objectKeys.point(pointId);
    for (let i = 0; i < bytes.length; i++) {
      const damaged = flipByte(bytes, i);
      assertRejects(() => decodePointManifest(keys, pointId, damaged), name);
      assertRejects(() => readPointHeader(damaged, pointId), name);
    }
  });

  it('authenticates the header through the body seal (a re-hashed, edited header fails)', () => {
    const { bytes } = encodePointManifest(keys, header, body);
    const headerLength = bytes.readUInt32LE(8);
    const edited = Buffer.from(bytes);
    const text = edited
      .subarray(12, 12 + headerLength)
      .toString('utf8')
      .replace('1702592000000', '1700000000001');
    edited.write(text, 12, 'utf8');
    const id = asPointId(createHash('sha256').update(edited).digest('hex'));
    assert.equal(readPointHeader(edited, id).retainUntil, 1_700_000_000_001);
    assertRejects(() => decodePointManifest(keys, id, edited), objectKeys.point(id));
  });

  it('cannot be read with another vault key', () => {
    const { pointId, bytes } = encodePointManifest(keys, header, body);
    assertRejects(
      () => decodePointManifest(deriveVaultKeys(newMasterSecret()), pointId, bytes),
      objectKeys.point(pointId),
    );
  });

  it('refuses to encode values it could not read back', () => {
    const badHeaders = [
      { ...header, createdAt: 1.5 },
      { ...header, vaultId: asVaultId('x') },
    ];
    for (const bad of badHeaders) {
      assert.throws(
        () => encodePointManifest(keys, bad, body),
        (error) => isAmberError(error, 'INVALID_ARGUMENT'),
      );
    }
    const badBody: PointBody = { ...body, root: asBlobId('root') };
    assert.throws(
      () => encodePointManifest(keys, header, badBody),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
