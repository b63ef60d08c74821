import {
  chmod,
  chown,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  readdir,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { createKeystream, createRng, type Rng } from '../../bench/prng.js';
import { runTool } from './temp-dir.js';

export const MIB = 1024 * 1024;
export const KIB = 1024;

/** A past instant with microseconds, as utimes() wants it: the +0.5 µs keeps libuv's truncation exact. */
export function pastSeconds(index: number): number {
  const wholeSeconds = 1_500_000_000 + index * 86_413;
  const micros = 123_456 + index * 7_919;
  return wholeSeconds + (micros % 1_000_000) / 1e6 + 0.5e-6;
}

/** ~`sizeBytes` of plain text from a seeded generator. */
export function seededText(rng: Rng, sizeBytes: number): Buffer {
  const words = ['amber', 'vault', 'point', 'chunk', 'pack', 'index', 'tree', 'restore', 'lock', 'retain', 'immutable'];
  const parts: string[] = [];
  let length = 0;
  while (length < sizeBytes) {
    const word = rng.pick(words) + (rng.chance(0.1) ? '.\n' : ' ');
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** `count` copies of one random block: content-defined chunking must deduplicate inside the file. */
export function repeatedBlocks(seed: string, blockBytes: number, count: number): Buffer {
  const block = createKeystream(seed, 'block')(blockBytes);
  return Buffer.concat(Array.from({ length: count }, () => block));
}

export const OTHER_UID = 1234;
export const OTHER_GID = 5678;

/**
 * The round-trip source: every entry type Amber backs up (files of several sizes, nested and empty
 * directories, relative/absolute/dangling symlinks, two hardlinks, a FIFO), unusual modes (0600, 0755,
 * a 0700 dir, a setgid 02775 dir), unicode and spaces in names, entries owned by another uid/gid, and
 * past mtimes with microseconds on every entry. Needs root (chown).
 */
export async function buildRoundtripTree(src: string, seed: string): Promise<void> {
  const rng = createRng(seed, 'roundtrip');
  const at = (p: string): string => path.join(src, p);
  for (const dir of ['dir/sub/deeper', 'empty-dir', 'nested-empty/inner', 'links', 'private', 'shared', 'owned']) {
    await mkdir(at(dir), { recursive: true });
  }
  await writeFile(at('empty.txt'), '');
  await writeFile(at('one-byte.bin'), 'x');
  await writeFile(at('text-100k.txt'), seededText(rng, 100 * KIB));
  await writeFile(at('random-3m.bin'), createKeystream(seed, 'random-3m')(3 * MIB));
  await writeFile(at('repeated-10m.bin'), repeatedBlocks(seed, MIB, 10));
  await writeFile(at('dir/sub/deeper/leaf.txt'), 'a leaf deep down\n');
  await writeFile(at('dir/sub/notes.txt'), seededText(rng, 2 * KIB));
  await writeFile(at('hard-a.txt'), 'one inode, two names\n');
  await link(at('hard-a.txt'), at('dir/hard-b.txt'));
  await symlink('../dir/sub/notes.txt', at('links/relative'));
  await symlink(at('one-byte.bin'), at('links/absolute'));
  await symlink('does/not/exist', at('links/dangling'));
  await runTool('mkfifo', [at('fifo')]);
  await writeFile(at('secret.txt'), 'for the owner only\n', { mode: 0o600 });
  await writeFile(at('script.sh'), '#!/bin/sh\necho amber\n');
  await writeFile(at('private/key.txt'), 'private\n');
  await writeFile(at('shared/team.txt'), 'shared\n');
  await writeFile(at('naïve café 日本語 ünïcødé.txt'), 'unicode name\n');
  await writeFile(at('name with spaces.txt'), 'spaces in the name\n');
  await writeFile(at('owned/theirs.txt'), 'owned by someone else\n');
  await symlink('theirs.txt', at('owned/their-link'));
  await chown(at('owned'), OTHER_UID, OTHER_GID);
  await chown(at('owned/theirs.txt'), OTHER_UID, OTHER_GID);
  await lchown(at('owned/their-link'), OTHER_UID, OTHER_GID);
  await chmod(at('secret.txt'), 0o600);
  await chmod(at('script.sh'), 0o755);
  await chmod(at('private'), 0o700);
  await chmod(at('shared'), 0o2775);
  await chmod(at('fifo'), 0o640);
  await setPastTimes(src);
}

/** Gives every entry below `root` (root included) a distinct past mtime, children before parents. */
export async function setPastTimes(root: string): Promise<void> {
  let index = 0;
  const visit = async (p: string): Promise<void> => {
    const stat = await lstat(p);
    if (stat.isDirectory()) for (const name of (await readdir(p)).sort()) await visit(path.join(p, name));
    const seconds = pastSeconds(index++);
    if (stat.isSymbolicLink()) await lutimes(p, seconds, seconds);
    else await utimes(p, seconds, seconds);
  };
  await visit(root);
}

/** A small varied tree with a 20 MiB random file, so a vault of it has at least two data packs. */
export async function buildCorruptionTree(src: string, seed: string): Promise<void> {
  const rng = createRng(seed, 'corruption');
  const at = (p: string): string => path.join(src, p);
  await mkdir(at('notes/deep'), { recursive: true });
  await writeFile(at('readme.txt'), seededText(rng, 20 * KIB));
  await writeFile(at('empty.txt'), '');
  await writeFile(at('notes/a.txt'), seededText(rng, 3 * KIB));
  await writeFile(at('notes/b.txt'), seededText(rng, 5 * KIB));
  await writeFile(at('notes/deep/c.txt'), seededText(rng, 700 * KIB));
  await writeFile(at('random-3m.bin'), createKeystream(seed, 'random-3m')(3 * MIB));
  await writeFile(at('big-20m.bin'), createKeystream(seed, 'big-20m')(20 * MIB));
  await symlink('readme.txt', at('link-to-readme'));
}

/** The crash-test source: many small files in a few dozen directories and a few big random files. */
export async function buildCrashTree(
  src: string,
  seed: string,
  small: { count: number; dirs: number },
  bigMiB: readonly number[],
): Promise<void> {
  const rng = createRng(seed, 'crash');
  for (let d = 0; d < small.dirs; d++) await mkdir(path.join(src, `d${d}`), { recursive: true });
  for (let i = 0; i < small.count; i++) {
    const sizeBytes = rng.logUniform(200, 48 * KIB);
    const content = rng.chance(0.5) ? seededText(rng, sizeBytes) : createKeystream(seed, `small-${i}`)(sizeBytes);
    await writeFile(path.join(src, `d${i % small.dirs}`, `f${i}.dat`), content);
  }
  for (const [i, mib] of bigMiB.entries())
    await writeFile(path.join(src, `big-${i}.bin`), createKeystream(seed, `big-${i}`)(mib * MIB));
}
