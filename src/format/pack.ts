import { createHash, type Hash } from 'node:crypto';
import { AmberError } from '../core/errors.js';
import { asPackId, objectKeys, type BlobId, type PackId } from '../core/ids.js';
import { SEAL_OVERHEAD_BYTES, seal, sealToSink, tryOpen } from './aead.js';
import { CHUNK_SCRATCH_BYTES } from './chunker.js';
import { computeBlobId } from './blob-id.js';
import { compressBlobTransient, decompressBlob, type Compression } from './compression.js';
import { corruptObject, unsupportedFormat } from './format-errors.js';
import {
  blobTypeId,
  checkEntriesContiguous,
  decodePackEntryTable,
  encodePackEntry,
  MAX_U32,
  PACK_ENTRY_BYTES,
  type BlobType,
  type PackEntry,
} from './pack-entry.js';
import type { VaultKeys } from './vault-keys.js';

export type { BlobType, PackEntry } from './pack-entry.js';

/** A writer finishes a pack once it holds this many bytes. */
export const PACK_TARGET_BYTES = 16 * 1024 * 1024;
/** Writers finish a pack at this many blobs, which bounds the footer. */
export const PACK_MAX_BLOBS = 50_000;

const PACK_MAGIC = Buffer.from('AMBERPK1', 'latin1');
const FOOTER_VERSION = 1;
/** u32 LE length of the sealed footer, then the magic. */
const TRAILER_BYTES = 4 + PACK_MAGIC.length;
const BLOB_AAD_PREFIX = Buffer.from('amber/v1/blob', 'latin1');
const FOOTER_AAD = Buffer.from('amber/v1/pack-footer', 'latin1');
const MIN_SEALED_FOOTER_BYTES = SEAL_OVERHEAD_BYTES + 1;

/** AAD of a blob record: "amber/v1/blob" | type id u8 | blob id (32 raw bytes). */
function blobAad(type: BlobType, blobId: BlobId): Buffer {
  const aad = Buffer.allocUnsafe(BLOB_AAD_PREFIX.length + 1 + 32);
  BLOB_AAD_PREFIX.copy(aad, 0);
  aad[BLOB_AAD_PREFIX.length] = blobTypeId(type);
  if (aad.write(blobId, BLOB_AAD_PREFIX.length + 1, 32, 'hex') !== 32) {
    throw new AmberError('INVALID_ARGUMENT', `Blob id "${blobId}" is not 64 hex characters.`);
  }
  return aad;
}

/** Where a streaming PackWriter sends the pack's bytes, in order: each record in pieces, then the footer and trailer. */
export interface PackSink {
  /** Consumes the bytes now: they may be reused once this returns. */
  write(bytes: Uint8Array): void;
}

/**
 * Builds one pack (docs/format.md §7): sealed blob records back to back, then the sealed footer,
 * its u32 LE length and "AMBERPK1". The pack id (SHA-256 of every stored byte) is hashed while
 * blobs are added, so finishing costs no second hash.
 */
export class PackWriter {
  readonly #keys: VaultKeys;
  readonly #hash: Hash = createHash('sha256');
  readonly #records: Buffer[] = [];
  readonly #entries: PackEntry[] = [];
  readonly #blobIds = new Set<string>();
  /** When set, each record streams to it in pieces as it is sealed (see PackSink). */
  readonly #sink: PackSink | undefined;
  #byteLength = 0;
  #finished = false;

  /**
   * Without a sink, records are kept and finish() returns the whole pack; with one, they stream out
   * as they are sealed and finish() returns no bytes.
   */
  constructor(keys: VaultKeys, sink?: PackSink) {
    this.#keys = keys;
    this.#sink = sink;
  }

  /** True when the pack holds the most blobs a pack may: finish it before adding more. */
  get full(): boolean {
    return this.#entries.length >= PACK_MAX_BLOBS;
  }

  /** Bytes of blob records so far (the final pack adds the footer). */
  get byteLength(): number {
    return this.#byteLength;
  }

  get blobCount(): number {
    return this.#entries.length;
  }

  has(blobId: BlobId): boolean {
    return this.#blobIds.has(blobId);
  }

  /** Compresses (unless compress === false), encrypts and appends one blob. */
  add(blobId: BlobId, type: BlobType, raw: Uint8Array, options?: { compress?: boolean }): void {
    if (options?.compress === false) {
      this.addCompressed(blobId, type, raw, 0, raw.length);
      return;
    }
    const { payload, compression } = compressBlobTransient(raw);
    this.addCompressed(blobId, type, payload, compression, raw.length);
  }

  /** Appends a blob that was already compressed by the caller (used by worker pipelines). */
  addCompressed(
    blobId: BlobId,
    type: BlobType,
    payload: Uint8Array,
    compression: Compression,
    rawLength: number,
  ): void {
    this.#checkOpen();
    if (this.#blobIds.has(blobId)) {
      throw new AmberError('INTERNAL', `Blob ${blobId} was added to the same pack twice.`, { details: { blobId } });
    }
    if (rawLength > MAX_U32 || this.#byteLength + payload.length + SEAL_OVERHEAD_BYTES > MAX_U32) {
      throw new AmberError('INTERNAL', 'A pack cannot exceed 4 GiB; finish it before adding more blobs.');
    }
    if (this.full) throw new AmberError('INTERNAL', 'The pack holds the most blobs a pack may; finish it first.');
    const offset = this.#byteLength;
    let length: number;
    if (this.#sink !== undefined) {
      const sink = this.#sink;
      length = sealToSink(this.#keys.dataKey, payload, blobAad(type, blobId), (piece) => {
        this.#hash.update(piece);
        sink.write(piece);
      });
    } else {
      const record = seal(this.#keys.dataKey, payload, blobAad(type, blobId));
      this.#records.push(record);
      this.#hash.update(record);
      length = record.length;
    }
    this.#entries.push({ blobId, type, offset, length, rawLength, compression });
    this.#blobIds.add(blobId);
    this.#byteLength += length;
  }

  /**
   * Seals the footer and returns the whole pack (with a sink: no bytes, they went to the sink). The
   * writer cannot be used afterwards.
   */
  finish(): { packId: PackId; bytes: Buffer; byteLength: number; entries: PackEntry[] } {
    this.#checkOpen();
    this.#finished = true;
    const table = Buffer.allocUnsafe(1 + this.#entries.length * PACK_ENTRY_BYTES);
    table[0] = FOOTER_VERSION;
    this.#entries.forEach((entry, i) => encodePackEntry(table, 1 + i * PACK_ENTRY_BYTES, entry));
    const footer = seal(this.#keys.dataKey, table, FOOTER_AAD);
    const trailer = Buffer.allocUnsafe(TRAILER_BYTES);
    trailer.writeUInt32LE(footer.length, 0);
    PACK_MAGIC.copy(trailer, 4);
    const packId = asPackId(this.#hash.update(footer).update(trailer).digest('hex'));
    let bytes: Buffer;
    if (this.#sink !== undefined) {
      this.#sink.write(footer);
      this.#sink.write(trailer);
      bytes = Buffer.alloc(0);
    } else {
      bytes = Buffer.concat([...this.#records, footer, trailer]);
      this.#records.length = 0;
    }
    const byteLength = this.#byteLength + footer.length + TRAILER_BYTES;
    return { packId, bytes, byteLength, entries: [...this.#entries] };
  }

  #checkOpen(): void {
    if (this.#finished) throw new AmberError('INTERNAL', 'This pack writer has already finished its pack.');
  }
}

/**
 * Reads the entry table from the last bytes of a pack (`tail` = the last N bytes, or the whole
 * pack). Authenticates the footer by AEAD only; returns `{ needBytes }` when the tail is too short.
 */
export function decodePackFooter(
  keys: VaultKeys,
  packId: PackId,
  tail: Uint8Array,
): PackEntry[] | { needBytes: number } {
  const name = objectKeys.pack(packId);
  const fail = (why: string): never => {
    throw corruptObject(name, why);
  };
  if (tail.length < TRAILER_BYTES + MIN_SEALED_FOOTER_BYTES) fail(`it is only ${tail.length} bytes long`);
  const view = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  if (!PACK_MAGIC.equals(view.subarray(view.length - PACK_MAGIC.length))) fail('it does not end with "AMBERPK1"');
  const footerLength = view.readUInt32LE(view.length - TRAILER_BYTES);
  const tableLength = footerLength - SEAL_OVERHEAD_BYTES - 1;
  if (footerLength < MIN_SEALED_FOOTER_BYTES || tableLength % PACK_ENTRY_BYTES !== 0) {
    fail(`its footer length ${footerLength} is impossible`);
  }
  if (footerLength + TRAILER_BYTES > view.length) return { needBytes: footerLength + TRAILER_BYTES };
  const footerStart = view.length - TRAILER_BYTES - footerLength;
  const table = tryOpen(keys.dataKey, view.subarray(footerStart, view.length - TRAILER_BYTES), FOOTER_AAD);
  if (table === undefined) return fail('its footer failed authentication (AES-256-GCM)');
  if (table[0] !== FOOTER_VERSION) throw unsupportedFormat(name, `pack footer version ${String(table[0])}`);
  const entries = decodePackEntryTable(table, 1, tableLength / PACK_ENTRY_BYTES, name, {});
  const recordsEnd = checkEntriesContiguous(entries, SEAL_OVERHEAD_BYTES, fail);
  if (recordsEnd + footerLength + TRAILER_BYTES < view.length) fail('it holds bytes its footer does not describe');
  return entries;
}

/** Verifies SHA-256(bytes) === packId, then decodes the footer and checks it describes every byte. */
export function readPackEntries(keys: VaultKeys, packId: PackId, bytes: Uint8Array): PackEntry[] {
  const name = objectKeys.pack(packId);
  if (createHash('sha256').update(bytes).digest('hex') !== packId) {
    throw corruptObject(name, 'its SHA-256 does not match its id');
  }
  const entries = decodePackFooter(keys, packId, bytes);
  if (!Array.isArray(entries)) throw corruptObject(name, 'its footer is longer than the pack');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.readUInt32LE(view.length - TRAILER_BYTES);
  const last = entries.at(-1);
  const recordsEnd = last === undefined ? 0 : last.offset + last.length;
  if (recordsEnd + footerLength + TRAILER_BYTES !== bytes.length) {
    throw corruptObject(name, 'its footer does not describe its bytes');
  }
  return entries;
}

/**
 * Two buffers a reader reuses for every blob it opens (see openBlob), grown to the largest blob:
 * a worker restoring gigabytes then allocates nothing per blob.
 */
export class BlobScratch {
  payload = Buffer.alloc(0);
  raw = Buffer.alloc(0);

  fit(entry: PackEntry): void {
    if (this.payload.length < entry.length)
      this.payload = Buffer.allocUnsafe(Math.max(entry.length, CHUNK_SCRATCH_BYTES));
    if (this.raw.length < entry.rawLength)
      this.raw = Buffer.allocUnsafe(Math.max(entry.rawLength, CHUNK_SCRATCH_BYTES));
  }
}

/**
 * Decrypts and decompresses one blob; `stored` is exactly the entry's bytes of the pack. With
 * `scratch`, the result is a view of the scratch buffers, valid until the next blob is opened.
 */
export function openBlob(
  keys: VaultKeys,
  packId: PackId,
  entry: PackEntry,
  stored: Uint8Array,
  scratch?: BlobScratch,
): Buffer {
  const name = objectKeys.pack(packId);
  const details = { blob: entry.blobId };
  if (stored.length !== entry.length) {
    throw corruptObject(
      name,
      `blob ${entry.blobId} is ${stored.length} bytes where ${entry.length} are expected`,
      details,
    );
  }
  scratch?.fit(entry);
  const payload = tryOpen(keys.dataKey, stored, blobAad(entry.type, entry.blobId), scratch?.payload);
  if (payload === undefined) {
    throw corruptObject(name, `blob ${entry.blobId} failed authentication (AES-256-GCM)`, details);
  }
  return decompressBlob(payload, entry.compression, entry.rawLength, name, details, scratch?.raw);
}

/** openBlob, then checks that the plaintext's HMAC is the entry's blob id. */
export function verifyBlob(keys: VaultKeys, packId: PackId, entry: PackEntry, stored: Uint8Array): Buffer {
  const raw = openBlob(keys, packId, entry, stored);
  if (computeBlobId(keys.blobIdKey, raw) !== entry.blobId) {
    throw corruptObject(objectKeys.pack(packId), `blob ${entry.blobId} does not hash to its id`, {
      blob: entry.blobId,
    });
  }
  return raw;
}
