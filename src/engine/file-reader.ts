import { readSync } from 'node:fs';
import { dropCachedRange, readAhead, residentPages } from '../native/page-cache.js';

/** Files at least this large are read ahead and dropped behind when most of them is not cached. */
export const STREAMED_READ_MIN_BYTES = 8 * 1024 * 1024;
/** The window read ahead (and then dropped) at a time. */
const WINDOW_BYTES = 8 * 1024 * 1024;
/** How many windows are asked for ahead of the reading. */
const AHEAD_WINDOWS = 2;
const PAGE_BYTES = 4096;

/** Reads the next bytes of a file into `into` at `offset`, at most `length`; 0 at its end. */
export type ReadNext = (into: Buffer, offset: number, length: number) => number;

/** How a backup reads one file from its start to its end; `done` once it stops reading. */
export interface FileReader {
  readonly read: ReadNext;
  readonly done: () => void;
}

/**
 * How a backup reads a file, from its start to its end. A large file that is mostly not in the page
 * cache is streamed: the kernel is asked to read the next window ahead (so the disk works while the
 * file's bytes are hashed and compressed), and each window is dropped from the cache once read, as
 * borg does. Read through the cache as usual, a cold disk image would fill the cache with a backup's
 * data, pushing out what the machine's programs use, and on a VM every page the cache takes afresh
 * costs the host a fault; streamed, the same few windows of pages are used over and over. A file
 * mostly cached (or small) is read as it is and left cached. Without the addon every file is read
 * as usual.
 */
export function fileReader(fd: number, sizeBytes: number): FileReader {
  let position = 0;
  const read: ReadNext = (into, offset, length) => {
    const n = readSync(fd, into, offset, length, position);
    position += n;
    return n;
  };
  if (sizeBytes < STREAMED_READ_MIN_BYTES) return { read, done: () => undefined };
  const resident = residentPages(fd);
  if (resident === null || resident * 2 >= Math.ceil(sizeBytes / PAGE_BYTES)) return { read, done: () => undefined };

  let aheadTo = 0; // the ranges below this were asked for
  let droppedTo = 0; // the ranges below this were dropped
  const advance = (): void => {
    while (aheadTo < position + AHEAD_WINDOWS * WINDOW_BYTES) {
      readAhead(fd, aheadTo, WINDOW_BYTES);
      aheadTo += WINDOW_BYTES;
    }
    // Drop whole windows already read (chunkFile keeps unread bytes in its own buffer).
    const readTo = position - (position % WINDOW_BYTES);
    if (readTo > droppedTo) {
      dropCachedRange(fd, droppedTo, readTo - droppedTo);
      droppedTo = readTo;
    }
  };
  advance();
  return {
    read: (into, offset, length) => {
      const n = read(into, offset, length);
      advance();
      return n;
    },
    done: () => {
      const end = Math.max(aheadTo, position);
      if (end > droppedTo) dropCachedRange(fd, droppedTo, end - droppedTo);
    },
  };
}
