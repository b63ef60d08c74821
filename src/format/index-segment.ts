import { createHash } from 'node:crypto';
import { asIndexId, asPackId, objectKeys, type IndexId, type PackId } from '../core/ids.js';
import { open, SEAL_OVERHEAD_BYTES, sealAfter } from './aead.js';
import { corruptObject, invalidValue, unsupportedFormat } from './format-errors.js';
import {
  checkPackEntryTable,
  decodePackEntryTable,
  encodePackEntry,
  MAX_U32,
  PACK_ENTRY_BYTES,
  type PackEntry,
} from './pack-entry.js';
import type { VaultKeys } from './vault-keys.js';
import { zstdCompressTransient, zstdDecompressExact, zstdFrameContentSize } from './zstd.js';

export interface IndexedPack {
  readonly packId: PackId;
  readonly entries: readonly PackEntry[];
}

export interface IndexSegment {
  readonly createdAt: number;
  readonly packs: readonly IndexedPack[];
  readonly supersedes: readonly IndexId[];
}

/** A pack of a decoded segment with its entries as stored: PACK_ENTRY_BYTES each, checked. */
export interface IndexedPackTable {
  readonly packId: PackId;
  readonly entryTable: Buffer;
}

/** A segment decoded without an object per entry (for the in-memory index). */
export interface IndexSegmentTables {
  readonly createdAt: number;
  readonly packs: readonly IndexedPackTable[];
  readonly supersedes: readonly IndexId[];
}

const MAGIC = Buffer.from('AMBERIDX', 'latin1');
const VERSION = 1;
const PREFIX = Buffer.concat([MAGIC, Buffer.from([VERSION])]);
const PREFIX_BYTES = PREFIX.length;
const AAD = Buffer.from('amber/v1/index', 'latin1');
const ID_BYTES = 32;
const HEX64 = /^[0-9a-f]{64}$/;
/** A body larger than this is refused before allocating (about 20 million entries). */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

/** `index/<indexId>`: "AMBERIDX" | version u8 | seal(dataKey, zstd(binary body), "amber/v1/index"). */
export function encodeIndexSegment(keys: VaultKeys, segment: IndexSegment): { indexId: IndexId; bytes: Buffer } {
  const body = encodeBody(segment);
  const bytes = sealAfter(PREFIX, keys.dataKey, zstdCompressTransient(body, 1), AAD);
  return { indexId: asIndexId(createHash('sha256').update(bytes).digest('hex')), bytes };
}

/** Verifies SHA-256(bytes) === indexId, authenticates and decodes the segment. */
export function decodeIndexSegment(keys: VaultKeys, indexId: IndexId, bytes: Uint8Array): IndexSegment {
  const { createdAt, packs, supersedes } = decodeIndexSegmentTables(keys, indexId, bytes);
  const name = objectKeys.index(indexId);
  return {
    createdAt,
    packs: packs.map(({ packId, entryTable }) => ({
      packId,
      entries: decodePackEntryTable(entryTable, 0, entryTable.length / PACK_ENTRY_BYTES, name, { pack: packId }),
    })),
    supersedes,
  };
}

/** decodeIndexSegment, with each pack's entries left as the checked table they are stored as. */
export function decodeIndexSegmentTables(keys: VaultKeys, indexId: IndexId, bytes: Uint8Array): IndexSegmentTables {
  const name = objectKeys.index(indexId);
  const fail = (why: string): never => {
    throw corruptObject(name, why);
  };
  if (createHash('sha256').update(bytes).digest('hex') !== indexId) fail('its SHA-256 does not match its id');
  if (bytes.length < PREFIX_BYTES + SEAL_OVERHEAD_BYTES) fail(`it is only ${bytes.length} bytes long`);
  if (!MAGIC.equals(bytes.subarray(0, MAGIC.length))) fail('it does not start with "AMBERIDX"');
  if (bytes[MAGIC.length] !== VERSION) throw unsupportedFormat(name, `index version ${String(bytes[MAGIC.length])}`);
  const compressed = open(keys.dataKey, bytes.subarray(PREFIX_BYTES), AAD, name);
  const bodyLength = zstdFrameContentSize(compressed);
  if (bodyLength === undefined || bodyLength > MAX_BODY_BYTES) fail('its body is not a sized zstd frame');
  const body = zstdDecompressExact(compressed, bodyLength ?? 0) ?? fail('its body does not decompress');
  return decodeBody(body, name, fail);
}

function encodedBodyLength(segment: IndexSegment): number {
  let length = 8 + 4 + segment.supersedes.length * ID_BYTES + 4;
  for (const pack of segment.packs) length += ID_BYTES + 4 + pack.entries.length * PACK_ENTRY_BYTES;
  return length;
}

/**
 * createdAt u64 LE | supersedes count u32 LE | ids (32 bytes each) | pack count u32 LE |
 * per pack: packId (32) | entry count u32 LE | entries (46 bytes each, as in the pack footer).
 */
function encodeBody(segment: IndexSegment): Buffer {
  const problem = segmentProblem(segment);
  if (problem !== undefined) throw invalidValue('an index segment', problem);
  const body = Buffer.allocUnsafe(encodedBodyLength(segment));
  body.writeUInt32LE(segment.createdAt % 2 ** 32, 0);
  body.writeUInt32LE(Math.floor(segment.createdAt / 2 ** 32), 4);
  let at = 8;
  body.writeUInt32LE(segment.supersedes.length, at);
  at += 4;
  for (const id of segment.supersedes) at += body.write(id, at, ID_BYTES, 'hex');
  body.writeUInt32LE(segment.packs.length, at);
  at += 4;
  for (const pack of segment.packs) {
    at += body.write(pack.packId, at, ID_BYTES, 'hex');
    body.writeUInt32LE(pack.entries.length, at);
    at += 4;
    for (const entry of pack.entries) {
      encodePackEntry(body, at, entry);
      at += PACK_ENTRY_BYTES;
    }
  }
  return body;
}

function segmentProblem(segment: IndexSegment): string | undefined {
  if (!Number.isSafeInteger(segment.createdAt) || segment.createdAt < 0) return 'createdAt is not an epoch-ms integer';
  if (segment.supersedes.length > MAX_U32 || segment.packs.length > MAX_U32) return 'it lists too many ids';
  for (const id of segment.supersedes) if (!HEX64.test(id)) return `superseded index id "${id}" is not 64 hex`;
  for (const pack of segment.packs) if (!HEX64.test(pack.packId)) return `pack id "${pack.packId}" is not 64 hex`;
  return undefined;
}

function decodeBody(body: Buffer, name: string, fail: (why: string) => never): IndexSegmentTables {
  let at = 0;
  const need = (bytes: number): void => {
    if (at + bytes > body.length) fail('its body is truncated');
  };
  need(12);
  const createdAt = body.readUInt32LE(0) + body.readUInt32LE(4) * 2 ** 32;
  if (!Number.isSafeInteger(createdAt)) fail('its creation time is out of range');
  const supersededCount = body.readUInt32LE(8);
  at = 12;
  need(supersededCount * ID_BYTES + 4);
  const supersedes: IndexId[] = [];
  for (let i = 0; i < supersededCount; i++, at += ID_BYTES)
    supersedes.push(asIndexId(body.toString('hex', at, at + ID_BYTES)));
  const packCount = body.readUInt32LE(at);
  at += 4;
  const packs: IndexedPackTable[] = [];
  for (let i = 0; i < packCount; i++) {
    need(ID_BYTES + 4);
    const packId = asPackId(body.toString('hex', at, at + ID_BYTES));
    const entryCount = body.readUInt32LE(at + ID_BYTES);
    at += ID_BYTES + 4;
    need(entryCount * PACK_ENTRY_BYTES);
    const entryTable = body.subarray(at, at + entryCount * PACK_ENTRY_BYTES);
    at += entryCount * PACK_ENTRY_BYTES;
    checkPackEntryTable(entryTable, name, { pack: packId });
    for (let o = 0; o < entryTable.length; o += PACK_ENTRY_BYTES) {
      const offset = entryTable.readUInt32LE(o + 34);
      const length = entryTable.readUInt32LE(o + 38);
      if (length < SEAL_OVERHEAD_BYTES || offset + length > MAX_U32) {
        fail(`the entry of blob ${entryTable.toString('hex', o, o + ID_BYTES)} in pack ${packId} is out of bounds`);
      }
    }
    packs.push({ packId, entryTable });
  }
  if (at !== body.length) fail('its body has trailing bytes');
  return { createdAt, packs, supersedes };
}
