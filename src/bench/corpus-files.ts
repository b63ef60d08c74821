import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** 2024-01-01T00:00:00Z: corpus mtimes lie before it, mutated files after it (one day per mutation). */
export const CORPUS_BASE_AT = 1_704_067_200_000;
export const KIB = 1024;
export const MIB = 1024 * KIB;

/** Sets a file's atime and mtime to an instant (epoch ms). */
export function setFileTime(file: string, mtimeMs: number): void {
  utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
}

/** Writes a file (creating its parents) and gives it an mtime (epoch ms) and, optionally, a mode. */
export function writeFileAt(file: string, data: Uint8Array, mtimeMs: number, mode?: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  if (mode !== undefined) chmodSync(file, mode);
  setFileTime(file, mtimeMs);
}
