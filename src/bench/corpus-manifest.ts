import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './file-tree.js';

export interface ManifestEntry {
  /** Relative, '/'-separated. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
  readonly sha256: string;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** Every regular file under `dir` with its size, mtime, mode and SHA-256, sorted by path. */
export function corpusManifest(dir: string): ManifestEntry[] {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  return listFiles(dir).map((rel) => {
    const file = path.join(dir, rel);
    const stat = statSync(file);
    const hash = createHash('sha256');
    const fd = openSync(file, 'r');
    try {
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    return {
      path: rel,
      sizeBytes: stat.size,
      mtimeMs: stat.mtimeMs,
      mode: stat.mode & 0o7777,
      sha256: hash.digest('hex'),
    };
  });
}
