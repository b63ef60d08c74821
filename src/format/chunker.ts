import { createCipheriv } from 'node:crypto';
import { AmberError } from '../core/errors.js';
import { nativeFindCut, type FindCut } from '../native/find-cut.js';

/** Chunk size bounds of content-defined chunking; stored in the vault header. */
export interface ChunkerParams {
  readonly minSizeBytes: number;
  readonly avgSizeBytes: number;
  readonly maxSizeBytes: number;
}

export const DEFAULT_CHUNKER_PARAMS: ChunkerParams = {
  minSizeBytes: 512 * 1024,
  avgSizeBytes: 1024 * 1024,
  maxSizeBytes: 8 * 1024 * 1024,
};

/**
 * Room for the largest chunk of the default chunker plus some overhead (a record's seal, zstd's
 * bound): scratch buffers are sized to this once, at first use, instead of growing blob by blob —
 * each outgrown buffer would be left to the memory allocator, which keeps such freed memory in the
 * thread's arena (tens of MiB per worker).
 */
export const CHUNK_SCRATCH_BYTES = DEFAULT_CHUNKER_PARAMS.maxSizeBytes + 64 * 1024;

const GEAR_ENTRIES = 256;
/** Bytes of hash warm-up before the first cut candidate: a 32-bit gear hash sees the last 32 bytes. */
const WINDOW_BYTES = 32;
const MIN_AVG_LOG2 = 8;
const MAX_AVG_LOG2 = 28;
const MAX_CHUNK_BYTES = 2 ** 31;
/** Normalization level 2: the small mask has 2 more bits than log2(avg), the large one 2 fewer. */
const NORMALIZATION_LEVEL = 2;

/** Why `params` are unusable, or undefined when they are fine (avg a power of two, min ≤ avg ≤ max). */
export function chunkerParamsProblem(params: ChunkerParams): string | undefined {
  const { minSizeBytes: min, avgSizeBytes: avg, maxSizeBytes: max } = params;
  if (![min, avg, max].every((n) => Number.isSafeInteger(n))) return 'chunk sizes must be integers';
  const avgLog2 = Math.log2(avg);
  if (!Number.isInteger(avgLog2) || avgLog2 < MIN_AVG_LOG2 || avgLog2 > MAX_AVG_LOG2) {
    return `the average chunk size must be a power of two from 2^${MIN_AVG_LOG2} to 2^${MAX_AVG_LOG2} bytes`;
  }
  if (min < WINDOW_BYTES || min > avg || avg > max || max > MAX_CHUNK_BYTES) {
    return `chunk sizes must satisfy ${WINDOW_BYTES} ≤ min ≤ avg ≤ max ≤ 2^31 bytes`;
  }
  return undefined;
}

/**
 * The 256-entry gear table: the AES-256-CTR keystream of `chunkerKey` (IV = 16 zero bytes) over
 * 1024 bytes, read as 256 little-endian u32. Keyed per vault: without the key, nobody can compute
 * where known content would be cut.
 */
export function gearTable(chunkerKey: Buffer): Uint32Array {
  const cipher = createCipheriv('aes-256-ctr', chunkerKey, Buffer.alloc(16));
  const stream = Buffer.concat([cipher.update(Buffer.alloc(GEAR_ENTRIES * 4)), cipher.final()]);
  const table = new Uint32Array(GEAR_ENTRIES);
  for (let i = 0; i < GEAR_ENTRIES; i++) table[i] = stream.readUInt32LE(i * 4);
  return table;
}

/** A mask of the `bits` most significant bits of a 32-bit word, as a signed int32. */
function topBitsMask(bits: number): number {
  return (0xffffffff << (32 - bits)) | 0;
}

/**
 * FastCDC with normalized chunking (level 2) and cut-point skipping over a keyed gear hash
 * (docs/format.md §6). Stateless between calls: the caller owns the buffer.
 */
export class Chunker {
  readonly params: ChunkerParams;
  readonly #gear: Int32Array;
  readonly #maskS: number;
  readonly #maskL: number;
  readonly #findCut: FindCut;

  /**
   * `implementation`: the cut search in C (native/chunker.c, 1.5x faster; the default where the
   * native addon is available) or the portable one below, which defines it. Both cut identically.
   */
  constructor(params: ChunkerParams, gear: Uint32Array, implementation: 'native' | 'portable' = 'native') {
    const problem = chunkerParamsProblem(params);
    if (problem !== undefined) throw new AmberError('INVALID_ARGUMENT', `Invalid chunker parameters: ${problem}.`);
    if (gear.length !== GEAR_ENTRIES) {
      throw new AmberError('INVALID_ARGUMENT', `A gear table has ${GEAR_ENTRIES} entries, not ${gear.length}.`);
    }
    this.params = { ...params };
    this.#gear = new Int32Array(gear.buffer.slice(gear.byteOffset, gear.byteOffset + gear.byteLength));
    const avgLog2 = Math.log2(params.avgSizeBytes);
    this.#maskS = topBitsMask(avgLog2 + NORMALIZATION_LEVEL);
    this.#maskL = topBitsMask(avgLog2 - NORMALIZATION_LEVEL);
    this.#findCut = (implementation === 'native' ? nativeFindCut() : null) ?? findCut;
  }

  /** Which cut search this chunker uses. */
  get implementation(): 'native' | 'portable' {
    return this.#findCut === findCut ? 'portable' : 'native';
  }

  /**
   * Length of the next chunk starting at buf[start], looking at most at buf[start..end).
   * Returns 0 when no cut point is found and end-start < maxSizeBytes and !eof (the caller must supply
   * more data; supplying at least maxSizeBytes avoids rescans). With eof=true it returns end-start when
   * no cut is found earlier.
   */
  nextChunkLength(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    const { minSizeBytes, avgSizeBytes, maxSizeBytes } = this.params;
    const available = end - start;
    if (available <= minSizeBytes) return eof ? available : 0;
    const limit = start + Math.min(available, maxSizeBytes);
    const normal = start + Math.min(available, avgSizeBytes);
    let cut = this.#findCut(buf, this.#gear, start + minSizeBytes, normal, this.#maskS);
    if (cut < 0) cut = this.#findCut(buf, this.#gear, normal, limit, this.#maskL);
    if (cut >= 0) return cut - start;
    if (available >= maxSizeBytes || eof) return limit - start;
    return 0;
  }
}

/**
 * The first cut point in [from, to): the position just after the first byte whose gear hash has no
 * bit of `mask` set, or -1. The hash is warmed up on the 32 bytes before `from` (its whole window),
 * so a cut depends on content only, never on where the chunk started. Unrolled 8x: this loop is the
 * chunker's whole cost.
 */
function findCut(buf: Uint8Array, gear: Int32Array, from: number, to: number, mask: number): number {
  let hash = 0;
  for (let i = from - WINDOW_BYTES; i < from; i++) hash = ((hash << 1) + (gear[buf[i] ?? 0] ?? 0)) | 0;
  let i = from;
  for (const unrolledEnd = to - 7; i < unrolledEnd; i += 8) {
    hash = ((hash << 1) + (gear[buf[i] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 1;
    hash = ((hash << 1) + (gear[buf[i + 1] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 2;
    hash = ((hash << 1) + (gear[buf[i + 2] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 3;
    hash = ((hash << 1) + (gear[buf[i + 3] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 4;
    hash = ((hash << 1) + (gear[buf[i + 4] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 5;
    hash = ((hash << 1) + (gear[buf[i + 5] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 6;
    hash = ((hash << 1) + (gear[buf[i + 6] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 7;
    hash = ((hash << 1) + (gear[buf[i + 7] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 8;
  }
  for (; i < to; i++) {
    hash = ((hash << 1) + (gear[buf[i] ?? 0] ?? 0)) | 0;
    if ((hash & mask) === 0) return i + 1;
  }
  return -1;
}
