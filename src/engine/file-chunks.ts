import type { Chunker } from '../format/chunker.js';

/** The chunks a file was stored as in its last backup, in order: their blob ids and lengths. */
export interface PreviousChunks {
  readonly ids: readonly string[];
  readonly lengths: readonly number[];
  /** Their fingerprints (see chunk-fingerprint.ts), when the files cache has them. */
  readonly fingerprints?: readonly string[];
}

/** A large file's chunks as the files cache keeps them beside their blob ids (one entry per chunk). */
export interface ChunkTable {
  readonly lengths: readonly number[];
  readonly fingerprints: readonly string[];
}

/** How chunkFile names a chunk: its blob id, and (when asked for) its fingerprint. */
export interface ChunkHashes {
  readonly idOf: (chunk: Uint8Array) => string;
  /** Given: every chunk is emitted with its fingerprint, and previous chunks are checked by it. */
  readonly fingerprintOf?: (chunk: Uint8Array) => string;
}

/**
 * Cuts one file into content-defined chunks, reading it through `read` into `buffer` (which must
 * hold the largest chunk and more), and gives each chunk with its blob id to `emit`.
 *
 * With `previous`, unchanged stretches of a changed file skip the chunker: where the next bytes may
 * be the previous chunk at that place, their fingerprint is compared with the old one (or, without
 * fingerprints, their keyed hash with the old id: slower); when equal,
 * the bytes are that chunk, and the chunker would cut there too — a cut depends only on the bytes
 * from the chunk's start — so the chunk is taken as it is. The last previous chunk ended with the
 * file, so it is taken only where the file ends with it again. Where a check fails (the change),
 * the chunker runs until it cuts a chunk the previous list holds, and checking resumes after it.
 * The result is exactly what the chunker alone gives; what is saved is the chunker's pass over
 * unchanged bytes (a disk image with a few blocks rewritten is hashed, not chunked, again).
 *
 * Returns the number of bytes read.
 */
export function chunkFile(
  read: (buffer: Buffer, offset: number, length: number) => number,
  buffer: Buffer,
  chunker: Chunker,
  hashes: ChunkHashes,
  previous: PreviousChunks | undefined,
  emit: (chunk: Uint8Array, id: string, fingerprint: string | undefined) => void,
): number {
  const { idOf, fingerprintOf } = hashes;
  const byFingerprint = fingerprintOf !== undefined && previous?.fingerprints !== undefined;
  const count = previous?.ids.length ?? 0;
  const indexOf = new Map<string, number>();
  previous?.ids.forEach((id, i) => indexOf.set(id, i));
  let next = 0; // the previous chunk to check for at `pos`; `count` when out of step
  let total = 0;
  let filled = 0;
  let pos = 0;
  let eof = false;
  for (;;) {
    while (!eof && filled < buffer.length) {
      const n = read(buffer, filled, buffer.length - filled);
      if (n === 0) eof = true;
      else filled += n;
    }
    while (pos < filled) {
      if (previous !== undefined && next < count) {
        const length = previous.lengths[next] as number;
        const last = next === count - 1;
        const end = pos + length;
        if (length > buffer.length) {
          next = count; // cannot be checked in this buffer (another chunker's chunk): let the chunker decide
        } else if (end > filled || (last && end === filled && !eof)) {
          // Not enough bytes read yet to decide, unless the file ended before the chunk would.
          if (!eof) break;
          next = count;
        } else if (last && end !== filled) {
          next = count; // the file goes on where the previous one ended
        } else {
          const chunk = buffer.subarray(pos, end);
          const fingerprint = fingerprintOf?.(chunk);
          const same = byFingerprint
            ? fingerprint === previous.fingerprints?.[next]
            : idOf(chunk) === previous.ids[next];
          if (same) {
            emit(chunk, previous.ids[next] as string, fingerprint);
            total += length;
            pos = end;
            next++;
            continue;
          }
          next = count;
        }
      }
      const length = chunker.nextChunkLength(buffer, pos, filled, eof);
      if (length === 0) break;
      const chunk = buffer.subarray(pos, pos + length);
      const id = idOf(chunk);
      emit(chunk, id, fingerprintOf?.(chunk));
      total += length;
      pos += length;
      const known = indexOf.get(id);
      if (known !== undefined) next = known + 1;
    }
    if (eof && pos >= filled) return total;
    if (pos === 0 && filled === buffer.length) throw new RangeError('chunkFile: the buffer is smaller than a chunk');
    buffer.copyWithin(0, pos, filled);
    filled -= pos;
    pos = 0;
  }
}
