import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A new empty directory under the system temp dir. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `amber-e2e-${label}-`));
}

/** Clears the Linux immutable attribute below `dir` (vault objects may carry it); failures are ignored. */
export async function clearImmutable(dir: string): Promise<void> {
  await execFileAsync('chattr', ['-R', '-i', dir]).catch(() => undefined);
}

/** Removes a tree a test made, vault objects included. */
export async function removeTree(dir: string): Promise<void> {
  await clearImmutable(dir);
  await rm(dir, { recursive: true, force: true });
}

/** Runs a command-line tool (cp, mkfifo, …) and fails when it fails. */
export async function runTool(file: string, args: readonly string[]): Promise<void> {
  await execFileAsync(file, [...args]);
}
