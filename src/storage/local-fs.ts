import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { dropCachedPages } from '../native/page-cache.js';
import { errnoCode, invalidArgument } from './storage-errors.js';

/** Small durable-file-system helpers of the local driver. Errors are left for the caller to translate. */

/** A random file name for the driver's temp directory. */
export function tempName(suffix = ''): string {
  return `${randomBytes(12).toString('hex')}${suffix}`;
}

/**
 * Creates `filePath` exclusively (O_EXCL, never following or reusing an existing file), writes data,
 * fsyncs and closes it. The file is created with `mode` (0444 for objects: read-only from birth, the
 * open descriptor may still write). On failure the partial file is removed.
 */
export async function writeDurableFile(filePath: string, data: Uint8Array, mode: number): Promise<void> {
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
  const handle = await fs.open(filePath, flags, mode);
  try {
    await writeAll(handle, data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(filePath).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/**
 * Gives a finished file its mode and fsyncs it (a file written elsewhere, about to be linked into
 * place: a staged pack). Its pages then leave the page cache: it is large and read again only much
 * later (see page-cache.ts).
 */
export async function makeFileDurable(filePath: string, mode: number): Promise<void> {
  const handle = await fs.open(filePath, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`${filePath} is not a regular file`);
    await handle.chmod(mode);
    await handle.sync();
    dropCachedPages(handle.fd);
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: fs.FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, offset);
    offset += bytesWritten;
  }
}

/** Makes a directory's entries (created, renamed, linked, unlinked names) durable. */
export async function fsyncDir(dirPath: string): Promise<void> {
  const handle = await fs.open(dirPath, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates dirPath and any missing ancestors, then fsyncs the parent of every directory it created
 * (so the new names survive a crash).
 */
export async function makeDirsDurable(dirPath: string): Promise<void> {
  const first = await fs.mkdir(dirPath, { recursive: true });
  if (first === undefined) return;
  const parents: string[] = [path.dirname(first)];
  for (let dir = dirPath; dir !== first && dir.length > first.length; dir = path.dirname(dir)) {
    parents.push(path.dirname(dir));
  }
  for (const parent of new Set(parents)) await fsyncDir(parent);
}

/** Runs op; if it fails with ENOENT because dirPath is missing, creates it durably and runs op again. */
export async function withParentDir<T>(dirPath: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
    await makeDirsDurable(dirPath);
    return await op();
  }
}

/** Removes a file; a missing file is fine. */
export async function unlinkIfPresent(filePath: string): Promise<boolean> {
  try {
    await fs.unlink(filePath);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** True for the errors that mean "no such object" at a key path (missing, or a file/dir mismatch). */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export async function fileExists(filePath: string): Promise<boolean> {
  try {
    await fs.lstat(filePath);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Throws INVALID_ARGUMENT unless root is an existing directory. */
export async function assertDirectory(root: string): Promise<void> {
  const stats = await fs.stat(root).catch(() => undefined);
  if (stats?.isDirectory() !== true) {
    throw invalidArgument(`The storage directory ${root} does not exist or is not a directory; create it first.`, {
      root,
    });
  }
}
