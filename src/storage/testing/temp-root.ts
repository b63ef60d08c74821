import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Temp directories for local-driver tests. They may hold immutable files, so removal clears the
 * attribute first (`chattr -R -i`).
 */
export async function makeTempRoot(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `amber-${label}-`));
}

export async function removeTempRoot(dir: string): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true });
    return;
  } catch {
    // an immutable file (EPERM): clear the attribute below and try again
  }
  try {
    execFileSync('chattr', ['-R', '-i', dir], { stdio: 'ignore' });
  } catch {
    // chattr missing or unsupported: the rm below reports the real problem
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** How many of the files carry the immutable attribute (one lsattr call for all). */
export function countImmutable(filePaths: readonly string[]): number {
  const lines = execFileSync('lsattr', ['-d', ...filePaths], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return lines.filter((line) => (line.split(' ')[0] ?? '').includes('i')).length;
}
