import type { Chunker } from '../format/chunker.js';

/** The chunks a file was stored as in its last backup, in order: their blob ids and lengths. */
export interface PreviousChunks {
  readonly ids: readonly string[];
  readonly lengths: readonly number[];
}

/**
 * Cuts one file into content-defined chunks, reading it through `read` into `buffer` (which must
 * hold the largest chunk and more), and gives each chunk with its blob id to `emit`.
 *
 * With `previous`, unchanged stretches of a changed file skip the chunker: where the next bytes may
 * be the previous chunk at that place, their keyed hash is compared with the old id; when equal,
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
  idOf: (chunk: Uint8Array) => string,
  previous: PreviousChunks | undefined,
  emit: (chunk: Uint8Array, id: string) => void,
): number {
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
          const id = idOf(chunk);
          if (id === previous.ids[next]) {
            emit(chunk, id);
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
      emit(chunk, id);
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
