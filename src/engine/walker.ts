import { constants as fsConstants, lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AmberError } from '../core/errors.js';
import { scanDirectory, type DirectoryScan, type ScannedEntry } from '../native/dir-scan.js';
import type { EntryStat, SourceDir, SourceEntry, SourceFile, WalkResult, WalkWarning } from './source-tree.js';

const { S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_IFIFO, S_IFSOCK } = fsConstants;

/**
 * Walks the given absolute source paths with lstat (symlinks are recorded, never followed) and
 * returns them as one tree rooted at '/', like restic: backing up /home/ann/docs yields
 * / → home → ann → docs → …, so a restore recreates the absolute layout under its target.
 * Unreadable directories and entries that vanish mid-walk become warnings; the walk goes on.
 *
 * Each directory is listed and its entries lstat'ed in one native call (src/native/dir-scan.ts; else
 * synchronous readdir/lstat, still three times faster than promises for many small calls), and it
 * yields to the event loop after each directory, so that work started before it (the passphrase KDF,
 * index loading) keeps moving.
 */
export async function walkSources(sourcePaths: readonly string[]): Promise<WalkResult> {
  const state: WalkState = { files: [], dirCount: 0, totalBytes: 0, warnings: [] };
  const root: SourceDir = {
    kind: 'dir',
    name: '',
    path: '/',
    stat: entryStat(lstatSync('/', { bigint: true })),
    children: [],
    complete: false,
  };
  for (const sourcePath of normalizeSources(sourcePaths)) {
    const stat = lstatSource(sourcePath);
    const parent = ensureAncestors(root, sourcePath);
    const entry = await visit(sourcePath, path.basename(sourcePath), stat, state);
    if (entry !== undefined) parent.children.push(entry);
  }
  return { root, ...state };
}

interface WalkState {
  files: SourceFile[];
  dirCount: number;
  totalBytes: number;
  warnings: WalkWarning[];
}

/** Absolute, normalized, without duplicates and without paths nested inside another given path. */
export function normalizeSources(sourcePaths: readonly string[]): string[] {
  const resolved = [...new Set(sourcePaths.map((p) => path.resolve(p)))].sort();
  return resolved.filter((p) => !resolved.some((q) => q !== p && (q === '/' || p.startsWith(q + '/'))));
}

function lstatSource(sourcePath: string): BigIntStats {
  try {
    return lstatSync(sourcePath, { bigint: true });
  } catch (error) {
    throw new AmberError('SOURCE_UNREADABLE', `Cannot back up ${sourcePath}: ${(error as Error).message}.`, {
      cause: error,
      details: { path: sourcePath },
    });
  }
}

function ensureAncestors(root: SourceDir, sourcePath: string): SourceDir {
  let dir = root;
  const parts = sourcePath.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i] as string;
    const existing = dir.children.find((c) => c.name === name);
    if (existing?.kind === 'dir') {
      dir = existing;
      continue;
    }
    const dirPath = '/' + parts.slice(0, i + 1).join('/');
    const child: SourceDir = {
      kind: 'dir',
      name,
      path: dirPath,
      stat: entryStat(lstatSync(dirPath, { bigint: true })),
      children: [],
      complete: false,
    };
    dir.children.push(child);
    dir = child;
  }
  return dir;
}

async function visit(
  fullPath: string,
  name: string,
  stat: BigIntStats,
  state: WalkState,
): Promise<SourceEntry | undefined> {
  return stat.isDirectory()
    ? visitDir(fullPath, name, entryStat(stat), state)
    : (visitLeaf(fullPath, name, entryStat(stat), state) ?? undefined);
}

/** Copies what a backup needs out of Node's stat object (see EntryStat). */
export function entryStat(stat: BigIntStats): EntryStat {
  return {
    mode: Number(stat.mode),
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    size: Number(stat.size),
    nlink: Number(stat.nlink),
    dev: stat.dev,
    ino: stat.ino,
    mtimeNs: stat.mtimeNs,
    ctimeNs: stat.ctimeNs,
  };
}

/** A file, symlink or FIFO; `null` when it could not be read (a gap), undefined when skipped by rule. */
function visitLeaf(fullPath: string, name: string, stat: EntryStat, state: WalkState): SourceEntry | null | undefined {
  const type = stat.mode & S_IFMT;
  if (type === S_IFREG) {
    const file: SourceFile = { kind: 'file', name, path: fullPath, stat };
    state.files.push(file);
    state.totalBytes += stat.size;
    return file;
  }
  if (type === S_IFLNK) {
    try {
      return { kind: 'symlink', name, path: fullPath, stat, target: readlinkSync(fullPath) };
    } catch (error) {
      state.warnings.push({ path: fullPath, message: `cannot read link: ${(error as Error).message}` });
      return null;
    }
  }
  if (type === S_IFIFO) return { kind: 'fifo', name, path: fullPath, stat };
  if (type !== S_IFSOCK) state.warnings.push({ path: fullPath, message: 'device files are not backed up' });
  return undefined;
}

async function visitDir(fullPath: string, name: string, stat: EntryStat, state: WalkState): Promise<SourceDir> {
  state.dirCount++;
  const dir: SourceDir = { kind: 'dir', name, path: fullPath, stat, children: [], complete: true };
  const listing = scanDirectory(fullPath) ?? scanWithNodeFs(fullPath);
  if ('error' in listing) {
    state.warnings.push({ path: fullPath, message: `cannot read directory: ${listing.error}` });
    dir.complete = false;
    return dir;
  }
  const subdirs: [string, string, EntryStat][] = [];
  for (const entry of listing.entries) {
    const childPath = fullPath === '/' ? `/${entry.name}` : `${fullPath}/${entry.name}`;
    if (entry.error !== undefined) {
      state.warnings.push({ path: childPath, message: `vanished or unreadable: ${entry.error}` });
      dir.complete = false;
      continue;
    }
    if ((entry.stat.mode & S_IFMT) === S_IFDIR) subdirs.push([childPath, entry.name, entry.stat]);
    else {
      const child = visitLeaf(childPath, entry.name, entry.stat, state);
      if (child === null) dir.complete = false;
      else if (child !== undefined) dir.children.push(child);
    }
  }
  await yieldToEventLoop();
  for (const [childPath, childName, childStat] of subdirs) {
    dir.children.push(await visitDir(childPath, childName, childStat, state));
  }
  return dir;
}

/** The portable listing (readdir, then lstat per entry), where the native scanner is not available. */
export function scanWithNodeFs(dirPath: string): DirectoryScan {
  let names: string[];
  try {
    names = readdirSync(dirPath);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return {
    entries: names.map((name): ScannedEntry => {
      try {
        return { name, stat: entryStat(lstatSync(`${dirPath === '/' ? '' : dirPath}/${name}`, { bigint: true })) };
      } catch (error) {
        return { name, error: (error as Error).message };
      }
    }),
  };
}
