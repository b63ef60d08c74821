import { open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AmberError } from '../core/errors.js';

/**
 * Keeps garbage collection and backups of one local vault apart (restic's shared and exclusive
 * locks): a backup deduplicates against the index it loaded, so GC must never delete a pack while a
 * backup runs. Each holder writes a marker file first, then looks for the other kind; markers of
 * processes that no longer exist are stale and ignored.
 */
export type ActivityKind = 'backup' | 'maintenance';

export async function acquireActivityLock(dir: string, kind: ActivityKind): Promise<() => Promise<void>> {
  const marker = path.join(dir, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}.lock`);
  const handle = await open(marker, 'wx', 0o600);
  await handle.writeFile(String(process.pid));
  await handle.close();
  const release = async (): Promise<void> => {
    await unlink(marker).catch(() => undefined);
  };
  const conflicting = kind === 'backup' ? ['maintenance'] : ['maintenance', 'backup'];
  for (const name of await readdir(dir)) {
    const match = /^(backup|maintenance)-(\d+)-[0-9a-f]+\.lock$/.exec(name);
    if (match === null || path.join(dir, name) === marker || !conflicting.includes(match[1] as string)) continue;
    if (isAlive(Number(match[2]))) {
      await release();
      throw new AmberError(
        'VAULT_BUSY',
        `The vault is busy: a ${match[1]} (process ${match[2]}) is running; ${kind === 'backup' ? 'back up' : 'run maintenance'} when it has finished.`,
      );
    }
  }
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
