import { chmod, chown, lchown, link, lutimes, mkdir, readdir, symlink, utimes } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { BlobId } from '../core/ids.js';
import type { FileNode, TreeNode } from '../format/tree.js';
import { runRestorePool } from './restore-pool.js';
import type { RestoreFileTask } from './restore-protocol.js';
import { secondsOf } from './utimes-seconds.js';
import { planRestore, type PlannedNode } from './restore-plan.js';
import type { Repository } from './repository.js';

export interface RestoreProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly elapsedMs: number;
}

export interface RestoreOptions {
  readonly target: string;
  readonly includes?: readonly string[];
  readonly clock: Clock;
  readonly workerCount?: number;
  readonly onProgress?: (progress: RestoreProgress) => void;
}

export interface RestoreResult {
  readonly files: number;
  readonly dirs: number;
  readonly symlinks: number;
  readonly bytes: number;
  readonly warnings: { path: string; message: string }[];
}

/**
 * Restores a point (or the included paths) under `target`, which must be empty or absent. Every blob
 * read is authenticated; contents, modes, times, ownership (when running as root), symlinks,
 * hardlinks, FIFOs, empty files and directories are recreated. Files are created exclusively and
 * symlinks last, so nothing is ever written through a link.
 */
export async function restorePoint(repo: Repository, root: BlobId, options: RestoreOptions): Promise<RestoreResult> {
  const target = path.resolve(options.target);
  await prepareTarget(target);
  const plan = await planRestore(repo, root, options.includes ?? []);
  const startedMs = options.clock.monotonicMs();
  const asRoot = process.getuid?.() === 0;
  const warnings: RestoreResult['warnings'] = [];
  let filesDone = 0;
  let bytesDone = 0;
  const report = (): void =>
    options.onProgress?.({
      filesDone,
      filesTotal: plan.files.length,
      bytesDone,
      bytesTotal: plan.totalBytes,
      elapsedMs: options.clock.monotonicMs() - startedMs,
    });

  for (const dir of plan.dirs) await mkdir(safeJoin(target, dir.path), { mode: 0o700 });

  const firstLinkPath = new Map<string, string>();
  const linked: PlannedNode<FileNode>[] = [];
  const toWrite = plan.files.filter((f) => {
    const key = f.node.hardlinkKey;
    if (key === undefined) return true;
    if (firstLinkPath.has(key)) {
      linked.push(f);
      return false;
    }
    firstLinkPath.set(key, safeJoin(target, f.path));
    return true;
  });

  await runRestorePool(
    repo,
    toWrite.map((file) => fileTask(repo, target, file)),
    {
      workerCount: options.workerCount ?? os.availableParallelism(),
      asRoot,
      onProgress: (files, bytes) => {
        filesDone += files;
        bytesDone += bytes;
        report();
      },
    },
  );
  for (const file of linked) {
    await link(firstLinkPath.get(file.node.hardlinkKey as string) as string, safeJoin(target, file.path));
    filesDone++;
  }
  for (const fifo of plan.fifos) {
    const fifoPath = safeJoin(target, fifo.path);
    await promisify(execFile)('mkfifo', ['-m', (fifo.node.mode & 0o777).toString(8), '--', fifoPath]);
    await applyMetadata(fifoPath, fifo.node, asRoot, false);
  }
  for (const link of plan.symlinks) {
    const linkPath = safeJoin(target, link.path);
    await symlink(link.node.target, linkPath);
    await applyMetadata(linkPath, link.node, asRoot, true);
  }
  for (const dir of [...plan.dirs].reverse()) await applyMetadata(safeJoin(target, dir.path), dir.node, asRoot, false);
  report();
  return {
    files: plan.files.length,
    dirs: plan.dirs.length,
    symlinks: plan.symlinks.length,
    bytes: bytesDone,
    warnings,
  };
}

async function prepareTarget(target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const existing = await readdir(target);
  if (existing.length > 0) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The restore target ${target} is not empty; restore into an empty or new directory.`,
      {
        details: { target },
      },
    );
  }
}

/** Joins a point path under the target and refuses anything that would land outside it. */
export function safeJoin(target: string, inside: string): string {
  const joined = path.resolve(target, inside);
  if (joined !== target && !joined.startsWith(target + path.sep)) {
    throw new AmberError(
      'PATH_ESCAPES_TARGET',
      `Refusing to restore ${inside}: it would be written outside ${target}.`,
      {
        details: { path: inside, target },
      },
    );
  }
  return joined;
}

/** What a restore worker needs to write one file: its path and where each of its blobs is stored. */
function fileTask(repo: Repository, target: string, file: PlannedNode<FileNode>): RestoreFileTask {
  const blobs = file.node.content.map((blobId) => {
    const location = repo.index.get(blobId);
    if (location === undefined) {
      throw new AmberError('CORRUPT_OBJECT', `Blob ${blobId} of /${file.path} is in no index segment of the vault.`, {
        details: { blob: blobId },
      });
    }
    return location;
  });
  const { mode, uid, gid, mtimeNs } = file.node;
  return { path: safeJoin(target, file.path), blobs, mode, uid, gid, mtimeNs };
}

async function applyMetadata(p: string, node: TreeNode, asRoot: boolean, isLink: boolean): Promise<void> {
  const mtimeSeconds = secondsOf(node.mtimeNs);
  if (isLink) {
    if (asRoot) await lchown(p, node.uid, node.gid);
    await lutimes(p, mtimeSeconds, mtimeSeconds);
    return;
  }
  if (asRoot) await chown(p, node.uid, node.gid);
  await chmod(p, node.mode & 0o7777);
  await utimes(p, mtimeSeconds, mtimeSeconds);
}
