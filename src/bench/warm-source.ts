import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './file-tree.js';

/**
 * Reads every regular file under `root` once, so that its pages are in the page cache: the state the
 * reference figures are measured in (../shared/bench: "source in page cache"), given to every tool
 * before each timed backup. Without it, whichever tool follows borg meets a source borg dropped from
 * the cache (borg drops what it reads) and pays the disk for what the others read from memory.
 * Returns the bytes read.
 */
export function warmSource(root: string): number {
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let bytes = 0;
  for (const relative of listFiles(root)) {
    let fd: number;
    try {
      fd = openSync(path.join(root, relative), 'r');
    } catch {
      continue; // unreadable: the tools report it themselves
    }
    try {
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return bytes;
}
