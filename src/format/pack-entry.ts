import type { ErrorDetails } from '../core/errors.js';
import { asBlobId, type BlobId } from '../core/ids.js';
import { isCompression, type Compression } from './compression.js';
import { invalidValue, unsupportedFormat } from './format-errors.js';

export type BlobType = 'data' | 'tree';

/** Where one blob lives inside its pack, and how to restore it. */
export interface PackEntry {
  readonly blobId: BlobId;
  readonly type: BlobType;
  /** Offset of the sealed record from the start of the pack. */
  readonly offset: number;
  /** Length of the sealed record (payload + 28 bytes). */
  readonly length: number;
  /** Length of the plaintext blob. */
  readonly rawLength: number;
  readonly compression: Compression;
}

/** Blob type ids (docs/format.md §7). Ids are never reused. */
const BLOB_TYPE_IDS: Readonly<Record<BlobType, number>> = { data: 0, tree: 1 };
const BLOB_TYPES: readonly BlobType[] = ['data', 'tree'];

/** blobId 32 | type u8 | compression u8 | offset u32 LE | length u32 LE | rawLength u32 LE */
export const PACK_ENTRY_BYTES = 46;
export const MAX_U32 = 0xffffffff;

export function blobTypeId(type: BlobType): number {
  return BLOB_TYPE_IDS[type];
}

/** The blob type of a type id; undefined for an id this version does not know. */
export function blobTypeOf(typeId: number): BlobType | undefined {
  return BLOB_TYPES[typeId];
}

/**
 * Writes one entry at `at` (46 bytes, see PACK_ENTRY_BYTES), or throws INVALID_ARGUMENT when the
 * entry cannot be represented: an id that is not 64 hex characters, an unknown type or compression,
 * a number that does not fit in a u32.
 */
export function encodePackEntry(target: Buffer, at: number, entry: PackEntry): void {
  const typeId = BLOB_TYPE_IDS[entry.type] as number | undefined;
  const { offset, length, rawLength, compression } = entry;
  if (
    entry.blobId.length !== 64 ||
    target.write(entry.blobId, at, 32, 'hex') !== 32 ||
    typeId === undefined ||
    !isCompression(compression) ||
    offset >>> 0 !== offset ||
    length >>> 0 !== length ||
    rawLength >>> 0 !== rawLength
  ) {
    throw invalidValue('a pack entry', `blob ${entry.blobId} has an id, type, compression or size out of range`);
  }
  target[at + 32] = typeId;
  target[at + 33] = compression;
  target.writeUInt32LE(offset, at + 34);
  target.writeUInt32LE(length, at + 38);
  target.writeUInt32LE(rawLength, at + 42);
}

/** Checks that every entry of a table (PACK_ENTRY_BYTES each) has a known type and compression. */
export function checkPackEntryTable(table: Uint8Array, objectName: string, details: ErrorDetails): void {
  for (let o = 0; o < table.length; o += PACK_ENTRY_BYTES) {
    const type = table[o + 32] as number;
    const compression = table[o + 33] as number;
    if (BLOB_TYPES[type] === undefined) throw unsupportedFormat(objectName, `blob type id ${type}`, details);
    if (!isCompression(compression)) throw unsupportedFormat(objectName, `compression id ${compression}`, details);
  }
}

/** Reads `count` entries starting at `at`; the caller has checked that the bytes are there. */
export function decodePackEntryTable(
  source: Buffer,
  at: number,
  count: number,
  objectName: string,
  details: ErrorDetails,
): PackEntry[] {
  const entries: PackEntry[] = [];
  for (let i = 0, o = at; i < count; i++, o += PACK_ENTRY_BYTES) {
    const type = BLOB_TYPES[source[o + 32] ?? MAX_U32];
    const compression = source[o + 33] ?? MAX_U32;
    if (type === undefined) throw unsupportedFormat(objectName, `blob type id ${String(source[o + 32])}`, details);
    if (!isCompression(compression)) throw unsupportedFormat(objectName, `compression id ${compression}`, details);
    entries.push({
      blobId: asBlobId(source.toString('hex', o, o + 32)),
      type,
      offset: source.readUInt32LE(o + 34),
      length: source.readUInt32LE(o + 38),
      rawLength: source.readUInt32LE(o + 42),
      compression,
    });
  }
  return entries;
}

/**
 * Checks that records lie back to back from offset 0, each at least `minLength` bytes, and returns
 * where the last one ends: a bad table is corrupt here, never a RangeError later.
 */
export function checkEntriesContiguous(
  entries: readonly PackEntry[],
  minLength: number,
  fail: (why: string) => never,
): number {
  let end = 0;
  for (const entry of entries) {
    if (entry.offset !== end) fail(`entry of blob ${entry.blobId} starts at ${entry.offset}, not ${end}`);
    if (entry.length < minLength) fail(`entry of blob ${entry.blobId} is shorter than a sealed record`);
    end += entry.length;
  }
  return end;
}
