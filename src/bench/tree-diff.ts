import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import path from 'node:path';

export interface TreeDiff {
  readonly identical: boolean;
  readonly filesCompared: number;
  readonly bytesCompared: number;
  /** The first differences found, as sentences ("missing: src/a.ts"), at most `maxReported`. */
  readonly differences: readonly string[];
  readonly differenceCount: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Compares a restored tree against its source: the same entries (files, directories, symlinks),
 * and for every file the same content, permission bits and mtime (to the millisecond — the
 * precision every tool under test keeps); symlinks must have the same target.
 */
export function diffTrees(expectedRoot: string, actualRoot: string, maxReported = 20): TreeDiff {
  const expected = collectEntries(expectedRoot);
  const actual = collectEntries(actualRoot);
  const differences: string[] = [];
  let differenceCount = 0;
  const report = (text: string): void => {
    differenceCount++;
    if (differences.length < maxReported) differences.push(text);
  };
  let filesCompared = 0;
  let bytesCompared = 0;
  for (const [rel, want] of expected) {
    const got = actual.get(rel);
    if (got === undefined) {
      report(`missing: ${rel}`);
      continue;
    }
    const problem = compareEntry(path.join(expectedRoot, rel), path.join(actualRoot, rel), want, got);
    if (problem !== undefined) report(`${problem}: ${rel}`);
    if (want.isFile()) {
      filesCompared++;
      bytesCompared += want.size;
    }
  }
  for (const rel of actual.keys()) if (!expected.has(rel)) report(`extra: ${rel}`);
  return { identical: differenceCount === 0, filesCompared, bytesCompared, differences, differenceCount };
}

function collectEntries(root: string): Map<string, Stats> {
  const entries = new Map<string, Stats>();
  const walk = (relDir: string): void => {
    for (const name of readdirSync(path.join(root, relDir))) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const stat = lstatSync(path.join(root, rel));
      entries.set(rel, stat);
      if (stat.isDirectory()) walk(rel);
    }
  };
  walk('');
  return entries;
}

const kindOf = (s: Stats): string =>
  s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'special file';

/** The first way two entries differ, or undefined when they match. */
function compareEntry(wantPath: string, gotPath: string, want: Stats, got: Stats): string | undefined {
  if (kindOf(want) !== kindOf(got)) return `is a ${kindOf(got)}, not a ${kindOf(want)}`;
  if (want.isSymbolicLink())
    return readlinkSync(wantPath) === readlinkSync(gotPath) ? undefined : 'link target differs';
  if (!want.isFile()) return undefined;
  if (want.size !== got.size) return `size ${got.size} instead of ${want.size}`;
  if ((want.mode & 0o7777) !== (got.mode & 0o7777)) {
    return `mode ${(got.mode & 0o7777).toString(8)} instead of ${(want.mode & 0o7777).toString(8)}`;
  }
  if (Math.floor(want.mtimeMs) !== Math.floor(got.mtimeMs)) return `mtime ${got.mtimeMs} instead of ${want.mtimeMs}`;
  return sameContent(wantPath, gotPath) ? undefined : 'content differs';
}

let readBuffers: [Buffer, Buffer] | undefined;

function sameContent(aPath: string, bPath: string): boolean {
  readBuffers ??= [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const [a, b] = readBuffers;
  const fdA = openSync(aPath, 'r');
  try {
    const fdB = openSync(bPath, 'r');
    try {
      for (;;) {
        const n = readFully(fdA, a);
        if (n !== readFully(fdB, b)) return false;
        if (n === 0) return true;
        if (!a.subarray(0, n).equals(b.subarray(0, n))) return false;
      }
    } finally {
      closeSync(fdB);
    }
  } finally {
    closeSync(fdA);
  }
}

function readFully(fd: number, buffer: Buffer): number {
  let filled = 0;
  while (filled < buffer.length) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
