import { createHash } from 'node:crypto';
import { asVaultId, isVaultId, objectKeys, type VaultId } from '../core/ids.js';
import { chunkerParamsProblem, type ChunkerParams } from './chunker.js';
import { corruptObject, invalidValue, unsupportedFormat } from './format-errors.js';
import { asRecord, onlyKeys, parseJson, readInteger, readString, type Fail } from './json-fields.js';

/** The repository format version this code writes and reads (docs/format.md). */
export const FORMAT_VERSION = 1;

export interface VaultHeader {
  readonly formatVersion: 1;
  readonly vaultId: VaultId;
  readonly createdAt: number;
  readonly chunker: ChunkerParams;
}

const MAGIC = Buffer.from('AMBERVLT', 'latin1');
const CHECKSUM_BYTES = 32;
const HEADER_KEYS = ['formatVersion', 'vaultId', 'createdAt', 'chunker'] as const;
const CHUNKER_KEYS = ['minSizeBytes', 'avgSizeBytes', 'maxSizeBytes'] as const;

/** `amber.vault`: "AMBERVLT" | JSON (utf8) | SHA-256(magic | JSON). Plaintext, checksummed. */
export function encodeVaultHeader(h: VaultHeader): Buffer {
  const fail: Fail = (why) => {
    throw invalidValue('the vault header', why);
  };
  const json = headerJson(h);
  checkHeader(JSON.parse(json) as unknown, fail); // never write what we could not read back
  const body = Buffer.concat([MAGIC, Buffer.from(json, 'utf8')]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export function decodeVaultHeader(bytes: Uint8Array): VaultHeader {
  const name = objectKeys.header;
  const fail: Fail = (why) => {
    throw corruptObject(name, why);
  };
  if (bytes.length < MAGIC.length + CHECKSUM_BYTES + 2) fail(`it is only ${bytes.length} bytes long`);
  if (!MAGIC.equals(bytes.subarray(0, MAGIC.length))) fail('it does not start with "AMBERVLT"');
  const bodyEnd = bytes.length - CHECKSUM_BYTES;
  const checksum = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest();
  if (!checksum.equals(bytes.subarray(bodyEnd))) fail('its SHA-256 checksum does not match');
  const record = asRecord(parseJson(bytes.subarray(MAGIC.length, bodyEnd), fail), 'the header', fail);
  if (record['formatVersion'] !== FORMAT_VERSION) {
    if (typeof record['formatVersion'] === 'number') {
      throw unsupportedFormat(name, `format version ${record['formatVersion']}`);
    }
    fail('it has no format version');
  }
  return checkHeader(record, fail);
}

function headerJson(h: VaultHeader): string {
  const { minSizeBytes, avgSizeBytes, maxSizeBytes } = h.chunker;
  return JSON.stringify({
    formatVersion: h.formatVersion,
    vaultId: h.vaultId,
    createdAt: h.createdAt,
    chunker: { minSizeBytes, avgSizeBytes, maxSizeBytes },
  });
}

function checkHeader(value: unknown, fail: Fail): VaultHeader {
  const record = asRecord(value, 'the header', fail);
  onlyKeys(record, HEADER_KEYS, 'the header', fail);
  if (record['formatVersion'] !== FORMAT_VERSION) fail(`the format version is not ${FORMAT_VERSION}`);
  const vaultId = readString(record, 'vaultId', fail);
  if (!isVaultId(vaultId)) fail('the vault id is not 32 lowercase hex characters');
  const chunkerRecord = asRecord(record['chunker'], 'field "chunker"', fail);
  onlyKeys(chunkerRecord, CHUNKER_KEYS, 'field "chunker"', fail);
  const chunker: ChunkerParams = {
    minSizeBytes: readInteger(chunkerRecord, 'minSizeBytes', fail),
    avgSizeBytes: readInteger(chunkerRecord, 'avgSizeBytes', fail),
    maxSizeBytes: readInteger(chunkerRecord, 'maxSizeBytes', fail),
  };
  const problem = chunkerParamsProblem(chunker);
  if (problem !== undefined) fail(problem);
  return {
    formatVersion: FORMAT_VERSION,
    vaultId: asVaultId(vaultId),
    createdAt: readInteger(record, 'createdAt', fail),
    chunker,
  };
}
