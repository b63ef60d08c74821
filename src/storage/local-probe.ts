import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError } from '../core/errors.js';
import type { ImmutableAttribute } from './immutable-attribute.js';
import { fsyncDir, tempName, unlinkIfPresent, writeDurableFile } from './local-fs.js';
import type { ProbeCheck, ProbeReport } from './object-store.js';
import { dropCachedPages, pageCacheHintsUnavailable, residentPages } from '../native/page-cache.js';
import { errnoCode } from './storage-errors.js';

const GIB = 1024 ** 3;
/** Below this much free space the free-space check fails. */
const MIN_FREE_BYTES = GIB;

export interface LocalProbeTarget {
  readonly location: string;
  readonly rootDir: string;
  readonly tmpDir: string;
  readonly immutable: ImmutableAttribute;
}

/**
 * What the local driver really enforces here, checked on a probe file in `.tmp` (removed afterwards):
 * root writable, fsync, atomic no-overwrite (link refuses an existing name), read-only files, the
 * page-cache drop of stored packs, the immutable attribute (and that unlinking an immutable file
 * fails with EPERM), free space.
 */
export async function runLocalProbe(target: LocalProbeTarget): Promise<ProbeReport> {
  const checks: ProbeCheck[] = [];
  const probePath = path.join(target.tmpDir, tempName('.probe'));
  const linkPath = path.join(target.tmpDir, tempName('.probe'));
  try {
    const written = await check(checks, 'root writable', async () => {
      await writeDurableFile(probePath, Buffer.from('amber probe\n'), 0o444);
      return `created ${probePath} exclusively`;
    });
    if (written) {
      await check(checks, 'fsync works', async () => {
        await fsyncDir(target.tmpDir);
        return 'file and directory fsync succeeded';
      });
      await check(checks, 'atomic no-overwrite', () => checkNoOverwrite(probePath, linkPath));
      await check(checks, 'read-only files', () => checkReadOnly(probePath));
      await check(checks, 'packs leave the page cache', () => checkPageCacheDrop(probePath));
      checks.push(await checkImmutable(target.immutable, probePath));
    }
  } finally {
    await removeProbe(target.immutable, probePath);
    await removeProbe(target.immutable, linkPath);
  }
  await check(checks, 'free space', () => checkFreeSpace(target.rootDir));
  return { location: target.location, checks };
}

/** Runs one check; a thrown error makes it fail with the error as its detail. Returns ok. */
async function check(checks: ProbeCheck[], name: string, run: () => Promise<string>): Promise<boolean> {
  try {
    checks.push({ name, ok: true, detail: await run() });
    return true;
  } catch (error) {
    checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

async function checkNoOverwrite(probePath: string, linkPath: string): Promise<string> {
  await fs.link(probePath, linkPath);
  try {
    await fs.link(probePath, linkPath);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return 'link() refuses an existing name (EEXIST)';
    throw error;
  }
  throw new AmberError('STORAGE_ERROR', 'link() replaced an existing name; write-once puts are not atomic here');
}

async function checkReadOnly(probePath: string): Promise<string> {
  const stats = await fs.stat(probePath);
  if ((stats.mode & 0o222) !== 0)
    throw new AmberError('STORAGE_ERROR', `objects are created with mode ${(stats.mode & 0o777).toString(8)}`);
  const asRoot = process.getuid?.() === 0;
  return asRoot
    ? 'objects are mode 0444 (running as root, which ignores file modes: the immutable attribute matters)'
    : 'objects are mode 0444';
}

/** A stored pack's pages are dropped once durable (page-cache.ts): tried on the probe file. */
async function checkPageCacheDrop(probePath: string): Promise<string> {
  const unavailable = pageCacheHintsUnavailable();
  if (unavailable !== null) throw new Error(`not in use: ${unavailable}`);
  const handle = await fs.open(probePath, fsConstants.O_RDONLY);
  try {
    await handle.read(Buffer.alloc(1), 0, 1, 0);
    const before = residentPages(handle.fd);
    dropCachedPages(handle.fd);
    const after = residentPages(handle.fd);
    if (after !== 0) {
      throw new AmberError('STORAGE_ERROR', `posix_fadvise left ${String(after)} of ${String(before)} page(s) cached`);
    }
    return 'a stored pack is dropped from the page cache once durable (posix_fadvise DONTNEED)';
  } finally {
    await handle.close();
  }
}

async function checkImmutable(immutable: ImmutableAttribute, probePath: string): Promise<ProbeCheck> {
  const name = 'immutable attribute';
  if (!immutable.supported) return { name, ok: false, detail: `not in use: ${immutable.detail}` };
  const verdict = await immutable.verify(probePath);
  const failures = immutable.failures;
  if (!verdict.supported) return { name, ok: false, detail: verdict.detail };
  if (failures.length > 0) {
    return {
      name,
      ok: false,
      detail: `${verdict.detail}; but ${String(failures.length)} batch(es) failed: ${failures.join('; ')}`,
    };
  }
  return { name, ok: true, detail: verdict.detail };
}

async function checkFreeSpace(rootDir: string): Promise<string> {
  const stats = await fs.statfs(rootDir);
  const freeBytes = stats.bavail * stats.bsize;
  const totalBytes = stats.blocks * stats.bsize;
  const detail = `${(freeBytes / GIB).toFixed(1)} GiB free of ${(totalBytes / GIB).toFixed(1)} GiB`;
  if (freeBytes < MIN_FREE_BYTES) throw new AmberError('STORAGE_ERROR', `only ${detail}`);
  await fs.access(rootDir, fsConstants.W_OK);
  return detail;
}

async function removeProbe(immutable: ImmutableAttribute, filePath: string): Promise<void> {
  try {
    await unlinkIfPresent(filePath);
  } catch {
    await immutable.clear(filePath);
    await unlinkIfPresent(filePath).catch(() => undefined);
  }
}
