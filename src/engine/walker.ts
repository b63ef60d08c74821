import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { BigIntStats } from 'node:fs';
import { AmberError } from '../core/errors.js';
import type { SourceDir, SourceEntry, SourceFile, WalkResult, WalkWarning } from './source-tree.js';

/**
 * Walks the given absolute source paths with lstat (symlinks are recorded, never followed) and
 * returns them as one tree rooted at '/', like restic: backing up /home/ann/docs yields
 * / → home → ann → docs → …, so a restore recreates the absolute layout under its target.
 * Unreadable directories and entries that vanish mid-walk become warnings; the walk goes on.
 */
export async function walkSources(sourcePaths: readonly string[]): Promise<WalkResult> {
  const state: WalkState = { files: [], dirCount: 0, totalBytes: 0, warnings: [] };
  const root: SourceDir = { kind: 'dir', name: '', path: '/', stat: await lstat('/', { bigint: true }), children: [] };
  for (const sourcePath of normalizeSources(sourcePaths)) {
    const stat = await lstatSource(sourcePath);
    const parent = await ensureAncestors(root, sourcePath);
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

async function lstatSource(sourcePath: string): Promise<BigIntStats> {
  try {
    return await lstat(sourcePath, { bigint: true });
  } catch (error) {
    throw new AmberError('SOURCE_UNREADABLE', `Cannot back up ${sourcePath}: ${(error as Error).message}.`, {
      cause: error,
      details: { path: sourcePath },
    });
  }
}

async function ensureAncestors(root: SourceDir, sourcePath: string): Promise<SourceDir> {
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
    const child: SourceDir = { kind: 'dir', name, path: dirPath, stat: await lstat(dirPath, { bigint: true }), children: [] };
    dir.children.push(child);
    dir = child;
  }
  return dir;
}

async function visit(fullPath: string, name: string, stat: BigIntStats, state: WalkState): Promise<SourceEntry | undefined> {
  if (stat.isFile()) {
    const file: SourceFile = { kind: 'file', name, path: fullPath, stat };
    state.files.push(file);
    state.totalBytes += Number(stat.size);
    return file;
  }
  if (stat.isDirectory()) return visitDir(fullPath, name, stat, state);
  if (stat.isSymbolicLink()) {
    try {
      return { kind: 'symlink', name, path: fullPath, stat, target: await readlink(fullPath) };
    } catch (error) {
      state.warnings.push({ path: fullPath, message: `cannot read link: ${(error as Error).message}` });
      return undefined;
    }
  }
  if (stat.isFIFO()) return { kind: 'fifo', name, path: fullPath, stat };
  if (!stat.isSocket()) state.warnings.push({ path: fullPath, message: 'device files are not backed up' });
  return undefined;
}

async function visitDir(fullPath: string, name: string, stat: BigIntStats, state: WalkState): Promise<SourceDir> {
  state.dirCount++;
  const dir: SourceDir = { kind: 'dir', name, path: fullPath, stat, children: [] };
  let names: string[];
  try {
    names = await readdir(fullPath);
  } catch (error) {
    state.warnings.push({ path: fullPath, message: `cannot read directory: ${(error as Error).message}` });
    return dir;
  }
  const children = await Promise.all(
    names.map(async (childName) => {
      const childPath = fullPath === '/' ? `/${childName}` : `${fullPath}/${childName}`;
      let childStat: BigIntStats;
      try {
        childStat = await lstat(childPath, { bigint: true });
      } catch (error) {
        state.warnings.push({ path: childPath, message: `vanished or unreadable: ${(error as Error).message}` });
        return undefined;
      }
      return visit(childPath, childName, childStat, state);
    }),
  );
  for (const child of children) if (child !== undefined) dir.children.push(child);
  return dir;
}
