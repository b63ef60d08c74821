import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runChattr } from './immutable-attribute.js';
import { unlinkIfPresent } from './local-fs.js';
import { errnoCode } from './storage-errors.js';

/** Removes temp files last modified before cutoffMs (leftovers of crashed writes or probes). */
export async function removeStaleTempFiles(tmpDir: string, cutoffMs: number, chattrPath = 'chattr'): Promise<void> {
  for (const name of await fs.readdir(tmpDir)) {
    const filePath = path.join(tmpDir, name);
    const stats = await fs.lstat(filePath).catch(() => undefined);
    if (stats === undefined || !stats.isFile() || stats.mtimeMs >= cutoffMs) continue;
    try {
      await unlinkIfPresent(filePath);
    } catch (error) {
      if (errnoCode(error) !== 'EPERM') throw error;
      await runChattr(chattrPath, '-i', [filePath]);
      await unlinkIfPresent(filePath);
    }
  }
}
