import type { ErrorDetails } from '../core/errors.js';
import { corruptObject, unsupportedFormat } from './format-errors.js';
import { zstdCompressTransient, zstdDecompressExact } from './zstd.js';

/** Compression ids of blob payloads (docs/format.md §5). Ids are never reused. */
export type Compression = 0 | 1; // 0 = none, 1 = zstd
export const COMPRESSION_NONE = 0;
export const COMPRESSION_ZSTD = 1;

export function isCompression(value: number): value is Compression {
  return value === COMPRESSION_NONE || value === COMPRESSION_ZSTD;
}

/** Blobs smaller than this are stored raw: the frame overhead eats any gain. */
const MIN_COMPRESS_BYTES = 64;
/** Blobs larger than the sample (4 slices of 16 KiB) are sampled first, so incompressible data costs one sample. */
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE_BYTES = 16 * 1024;
/** A sample must shrink below 97 % of its size (x/32 ≈ 3 %) for the whole blob to be compressed. */
const SAMPLE_KEEP_SHIFT = 5;
/** The compressed blob must save at least 1/32 of its raw size, or the blob is stored raw. */
const RESULT_KEEP_SHIFT = 5;

const sampleBuffer = Buffer.allocUnsafe(SAMPLE_SLICES * SAMPLE_SLICE_BYTES);

export interface CompressedBlob {
  readonly payload: Uint8Array;
  readonly compression: Compression;
}

/** True when a zstd sample of `raw` (4 slices of 16 KiB spread evenly over it) shrinks enough. */
function sampleCompresses(raw: Uint8Array): boolean {
  const stride = Math.floor((raw.length - SAMPLE_SLICE_BYTES) / (SAMPLE_SLICES - 1));
  for (let i = 0; i < SAMPLE_SLICES; i++) {
    const from = i * stride;
    sampleBuffer.set(raw.subarray(from, from + SAMPLE_SLICE_BYTES), i * SAMPLE_SLICE_BYTES);
  }
  const compressedLength = zstdCompressTransient(sampleBuffer).length;
  return compressedLength < sampleBuffer.length - (sampleBuffer.length >>> SAMPLE_KEEP_SHIFT);
}

/**
 * Like compressBlob, but a zstd payload is a view of a scratch buffer that the next compression
 * overwrites: consume it (e.g. seal it) before compressing anything else. A raw payload is `raw`.
 */
export function compressBlobTransient(raw: Uint8Array): CompressedBlob {
  if (raw.length < MIN_COMPRESS_BYTES) return { payload: raw, compression: COMPRESSION_NONE };
  if (raw.length > sampleBuffer.length && !sampleCompresses(raw)) {
    return { payload: raw, compression: COMPRESSION_NONE };
  }
  const compressed = zstdCompressTransient(raw);
  if (compressed.length > raw.length - (raw.length >>> RESULT_KEEP_SHIFT)) {
    return { payload: raw, compression: COMPRESSION_NONE };
  }
  return { payload: compressed, compression: COMPRESSION_ZSTD };
}

/**
 * zstd level 1 unless the data does not compress: blobs under 64 bytes, blobs over 64 KiB whose
 * sample does not shrink below ~97 %, and blobs that do not save at least 1/32 are stored raw (compression 0, the
 * payload is `raw` itself). A zstd payload is a new buffer the caller owns.
 */
export function compressBlob(raw: Uint8Array): CompressedBlob {
  const result = compressBlobTransient(raw);
  if (result.compression === COMPRESSION_NONE) return result;
  return { payload: Buffer.from(result.payload), compression: result.compression };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Restores a blob's raw bytes; they must be exactly `rawLength` long. `name` is the storage key of
 * the object that holds the payload, reported (with `details`) in CORRUPT_OBJECT. A raw payload is
 * returned as is (no copy).
 */
export function decompressBlob(
  payload: Uint8Array,
  compression: Compression,
  rawLength: number,
  name: string,
  details: ErrorDetails = {},
  /** Where to write the raw bytes (at least rawLength long); the result is then a view of it. */
  into?: Buffer,
): Buffer {
  if (compression === COMPRESSION_NONE) {
    if (payload.length !== rawLength) {
      throw corruptObject(name, `a stored blob is ${payload.length} bytes where ${rawLength} are expected`, details);
    }
    return asBuffer(payload);
  }
  if (compression !== COMPRESSION_ZSTD) {
    throw unsupportedFormat(name, `compression id ${String(compression)}`, details);
  }
  const raw = zstdDecompressExact(payload, rawLength, into);
  if (raw === undefined) {
    throw corruptObject(name, `a zstd payload does not expand to its recorded ${rawLength} bytes`, details);
  }
  return raw;
}
