import { createHash } from 'node:crypto';
import {
  asBlobId,
  asIndexId,
  asPackId,
  asPointId,
  asVaultId,
  isVaultId,
  objectKeys,
  type BlobId,
  type IndexId,
  type PackId,
  type PointId,
  type VaultId,
} from '../core/ids.js';
import { sealAfter, tryOpen } from './aead.js';
import { corruptObject, invalidValue, unsupportedFormat } from './format-errors.js';
import {
  asRecord,
  onlyKeys,
  parseJson,
  readHex64,
  readHex64Array,
  readInteger,
  readString,
  readStringArray,
  type Fail,
  type JsonRecord,
} from './json-fields.js';
import { FORMAT_VERSION } from './vault-header.js';
import type { VaultKeys } from './vault-keys.js';

/** The plaintext, authenticated part of a manifest: what the vault service needs for retention. */
export interface PointHeader {
  readonly formatVersion: 1;
  readonly vaultId: VaultId;
  readonly item: string;
  readonly createdAt: number;
  readonly retainUntil: number;
  readonly tags: readonly string[];
  readonly hostname: string;
  readonly paths: readonly string[];
}

export interface PointStats {
  readonly files: number;
  readonly dirs: number;
  readonly sizeBytes: number;
  readonly addedBytes: number;
  readonly addedStoredBytes: number;
  readonly blobs: number;
  readonly newBlobs: number;
  readonly durationMs: number;
  readonly warnings: number;
}

/** The encrypted part of a manifest. */
export interface PointBody {
  readonly root: BlobId;
  readonly indexIds: readonly IndexId[];
  readonly packIds: readonly PackId[];
  readonly stats: PointStats;
  readonly parent?: PointId;
}

const MAGIC = Buffer.from('AMBERPT1', 'latin1');
const LENGTH_BYTES = 4;
const AAD_PREFIX = Buffer.from('amber/v1/point', 'latin1');
const HEADER_KEYS = [
  'formatVersion',
  'vaultId',
  'item',
  'createdAt',
  'retainUntil',
  'tags',
  'hostname',
  'paths',
] as const;
const STATS_KEYS = [
  'files',
  'dirs',
  'sizeBytes',
  'addedBytes',
  'addedStoredBytes',
  'blobs',
  'newBlobs',
  'durationMs',
  'warnings',
] as const;
const BODY_KEYS = ['root', 'indexIds', 'packIds', 'stats', 'parent'] as const;

/**
 * `points/<pointId>`: "AMBERPT1" | u32 LE header length | header JSON |
 * seal(dataKey, body JSON, "amber/v1/point" | header JSON). pointId = SHA-256 of all bytes.
 */
export function encodePointManifest(
  keys: VaultKeys,
  header: PointHeader,
  body: PointBody,
): { pointId: PointId; bytes: Buffer } {
  const fail: Fail = (why) => {
    throw invalidValue('a point manifest', why);
  };
  const headerJson = Buffer.from(JSON.stringify(pick(header, HEADER_KEYS)), 'utf8');
  const bodyJson = Buffer.from(
    JSON.stringify({ ...pick(body, BODY_KEYS), stats: pick(body.stats, STATS_KEYS) }),
    'utf8',
  );
  checkHeader(parseJson(headerJson, fail), fail); // never write what we could not read back
  checkBody(parseJson(bodyJson, fail), fail);
  const prefix = Buffer.allocUnsafe(MAGIC.length + LENGTH_BYTES + headerJson.length);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(headerJson.length, MAGIC.length);
  headerJson.copy(prefix, MAGIC.length + LENGTH_BYTES);
  const bytes = sealAfter(prefix, keys.dataKey, bodyJson, Buffer.concat([AAD_PREFIX, headerJson]));
  return { pointId: asPointId(createHash('sha256').update(bytes).digest('hex')), bytes };
}

export function decodePointManifest(
  keys: VaultKeys,
  pointId: PointId,
  bytes: Uint8Array,
): { header: PointHeader; body: PointBody } {
  const { header, headerJson, sealed, fail } = splitManifest(bytes, pointId);
  const bodyJson = tryOpen(keys.dataKey, sealed, Buffer.concat([AAD_PREFIX, headerJson]));
  if (bodyJson === undefined) return fail('its body failed authentication (AES-256-GCM)');
  return { header, body: checkBody(parseJson(bodyJson, fail), fail) };
}

/** The plaintext header, after checking SHA-256(bytes) === pointId; no key needed. */
export function readPointHeader(bytes: Uint8Array, pointId: PointId): PointHeader {
  return splitManifest(bytes, pointId).header;
}

function splitManifest(
  bytes: Uint8Array,
  pointId: PointId,
): { header: PointHeader; headerJson: Uint8Array; sealed: Uint8Array; fail: Fail } {
  const name = objectKeys.point(pointId);
  const fail: Fail = (why) => {
    throw corruptObject(name, why);
  };
  if (createHash('sha256').update(bytes).digest('hex') !== pointId) fail('its SHA-256 does not match its id');
  const headerStart = MAGIC.length + LENGTH_BYTES;
  if (bytes.length < headerStart) fail(`it is only ${bytes.length} bytes long`);
  if (!MAGIC.equals(bytes.subarray(0, MAGIC.length))) fail('it does not start with "AMBERPT1"');
  const headerLength = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(MAGIC.length);
  if (headerStart + headerLength > bytes.length) fail(`its header length ${headerLength} exceeds the object`);
  const headerJson = bytes.subarray(headerStart, headerStart + headerLength);
  const record = asRecord(parseJson(headerJson, fail), 'the header', fail);
  if (record['formatVersion'] !== FORMAT_VERSION) {
    if (typeof record['formatVersion'] !== 'number') fail('it has no format version');
    throw unsupportedFormat(name, `format version ${String(record['formatVersion'])}`);
  }
  return { header: checkHeader(record, fail), headerJson, sealed: bytes.subarray(headerStart + headerLength), fail };
}

/** A copy of `value` with exactly `keys`, in that order (absent ones left out). */
function pick<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) out[key] = field;
  }
  return out;
}

function checkHeader(value: unknown, fail: Fail): PointHeader {
  const record = asRecord(value, 'the header', fail);
  onlyKeys(record, HEADER_KEYS, 'the header', fail);
  if (record['formatVersion'] !== FORMAT_VERSION) fail(`the format version is not ${FORMAT_VERSION}`);
  const vaultId = readString(record, 'vaultId', fail);
  if (!isVaultId(vaultId)) fail('the vault id is not 32 lowercase hex characters');
  return {
    formatVersion: FORMAT_VERSION,
    vaultId: asVaultId(vaultId),
    item: readString(record, 'item', fail),
    createdAt: readInteger(record, 'createdAt', fail),
    retainUntil: readInteger(record, 'retainUntil', fail),
    tags: readStringArray(record, 'tags', fail),
    hostname: readString(record, 'hostname', fail),
    paths: readStringArray(record, 'paths', fail),
  };
}

function checkBody(value: unknown, fail: Fail): PointBody {
  const record = asRecord(value, 'the body', fail);
  onlyKeys(record, BODY_KEYS, 'the body', fail);
  const stats = asRecord(record['stats'], 'field "stats"', fail);
  onlyKeys(stats, STATS_KEYS, 'field "stats"', fail);
  const body = {
    root: asBlobId(readHex64(record, 'root', fail)),
    indexIds: readHex64Array(record, 'indexIds', fail).map(asIndexId),
    packIds: readHex64Array(record, 'packIds', fail).map(asPackId),
    stats: readStats(stats, fail),
  };
  return record['parent'] === undefined ? body : { ...body, parent: asPointId(readHex64(record, 'parent', fail)) };
}

function readStats(record: JsonRecord, fail: Fail): PointStats {
  const field = (key: (typeof STATS_KEYS)[number]): number => readInteger(record, key, fail);
  return {
    files: field('files'),
    dirs: field('dirs'),
    sizeBytes: field('sizeBytes'),
    addedBytes: field('addedBytes'),
    addedStoredBytes: field('addedStoredBytes'),
    blobs: field('blobs'),
    newBlobs: field('newBlobs'),
    durationMs: field('durationMs'),
    warnings: field('warnings'),
  };
}
