import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

export type EntryType = 'file' | 'dir' | 'symlink' | 'fifo' | 'other';

/** What a restore must reproduce of one file-system entry. */
export interface EntrySnapshot {
  readonly type: EntryType;
  /** Permission bits with setuid/setgid/sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Modification time in whole microseconds (the precision Amber promises). */
  readonly mtimeUs: bigint;
  readonly ino: bigint;
  readonly nlink: bigint;
  readonly size?: number;
  readonly sha256?: string;
  readonly target?: string;
}

/** Every entry below a root, keyed by its '/'-separated path relative to the root ('' is the root). */
export type TreeSnapshot = Map<string, EntrySnapshot>;

/** lstat()s (never follows) every entry below `root` and hashes every regular file. */
export async function snapshotTree(root: string): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = new Map();
  await visit(root, '', snapshot);
  return snapshot;
}

async function visit(root: string, relative: string, out: TreeSnapshot): Promise<void> {
  const full = relative === '' ? root : path.join(root, relative);
  const stat = await lstat(full, { bigint: true });
  out.set(relative, await describe(full, stat));
  if (!stat.isDirectory()) return;
  for (const name of (await readdir(full)).sort()) {
    await visit(root, relative === '' ? name : `${relative}/${name}`, out);
  }
}

async function describe(full: string, stat: BigIntStats): Promise<EntrySnapshot> {
  const base = {
    mode: Number(stat.mode & 0o7777n),
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    mtimeUs: stat.mtimeNs / 1000n,
    ino: stat.ino,
    nlink: stat.nlink,
  };
  if (stat.isFile()) {
    const sha256 = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
    return { ...base, type: 'file', size: Number(stat.size), sha256 };
  }
  if (stat.isDirectory()) return { ...base, type: 'dir' };
  if (stat.isSymbolicLink()) return { ...base, type: 'symlink', target: await readlink(full) };
  if (stat.isFIFO()) return { ...base, type: 'fifo' };
  return { ...base, type: 'other' };
}

export interface DiffOptions {
  /** Compare mode, uid, gid and mtime too (default true); otherwise only types, contents and targets. */
  readonly metadata?: boolean;
}

/** Every difference between two snapshots, as sentences; empty when the trees match. */
export function diffTrees(expected: TreeSnapshot, actual: TreeSnapshot, options: DiffOptions = {}): string[] {
  const problems: string[] = [];
  for (const p of expected.keys()) if (!actual.has(p)) problems.push(`missing: /${p}`);
  for (const p of actual.keys()) if (!expected.has(p)) problems.push(`unexpected: /${p}`);
  for (const [p, want] of expected) {
    const got = actual.get(p);
    if (got !== undefined) problems.push(...diffEntry(p, want, got, options.metadata ?? true));
  }
  problems.push(...diffHardlinks(expected, actual));
  return problems;
}

function diffEntry(p: string, want: EntrySnapshot, got: EntrySnapshot, metadata: boolean): string[] {
  const problems: string[] = [];
  const check = (field: string, a: unknown, b: unknown): void => {
    if (a !== b) problems.push(`/${p}: ${field} is ${String(b)}, expected ${String(a)}`);
  };
  check('type', want.type, got.type);
  if (want.type !== got.type) return problems;
  check('size', want.size, got.size);
  check('sha256', want.sha256, got.sha256);
  check('symlink target', want.target, got.target);
  if (!metadata) return problems;
  if (want.type !== 'symlink') check('mode', want.mode.toString(8), got.mode.toString(8));
  check('uid', want.uid, got.uid);
  check('gid', want.gid, got.gid);
  check('mtime (µs)', want.mtimeUs, got.mtimeUs);
  return problems;
}

/** Paths that share an inode in `expected` must share one in `actual`, and no others may. */
function diffHardlinks(expected: TreeSnapshot, actual: TreeSnapshot): string[] {
  const problems: string[] = [];
  const groups = (snapshot: TreeSnapshot): string[] => {
    const byInode = new Map<bigint, string[]>();
    for (const [p, e] of snapshot) {
      if (e.type !== 'file') continue;
      byInode.set(e.ino, [...(byInode.get(e.ino) ?? []), p]);
    }
    return [...byInode.values()]
      .filter((g) => g.length > 1)
      .map((g) => g.sort().join(' = '))
      .sort();
  };
  const want = groups(expected);
  const got = groups(actual);
  if (want.join('\n') !== got.join('\n')) {
    problems.push(`hardlink groups differ: got [${got.join('; ')}], expected [${want.join('; ')}]`);
  }
  return problems;
}

/** The entries at and below `prefix` (a relative path), re-keyed relative to it. */
export function subtree(snapshot: TreeSnapshot, prefix: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  for (const [p, e] of snapshot) {
    if (p === prefix) out.set('', e);
    else if (p.startsWith(`${prefix}/`)) out.set(p.slice(prefix.length + 1), e);
  }
  return out;
}

/**
 * A restore puts a point's absolute paths under its target, so the target must hold `prefix` (the
 * source's path without its leading '/') and nothing else but the directories leading to it.
 */
export function strayEntries(targetSnapshot: TreeSnapshot, prefix: string): string[] {
  const problems: string[] = [];
  for (const [p, e] of targetSnapshot) {
    if (p === prefix || p.startsWith(`${prefix}/`)) continue;
    const isAncestor = p === '' || prefix.startsWith(`${p}/`);
    if (!isAncestor) problems.push(`unexpected outside the restored tree: /${p}`);
    else if (e.type !== 'dir') problems.push(`/${p} leads to the restored tree but is a ${e.type}`);
  }
  return problems;
}
