import { lstatSync, type Dirent, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ListedObject } from './object-store.js';
import { isValidKey } from './object-store.js';
import { assertValidPrefix, errnoCode, translateFsError } from './storage-errors.js';

/** Synchronous lstat calls between two yields to the event loop (each is a few microseconds). */
const STATS_PER_TURN = 1024;

/**
 * Lists the object files under rootDir whose key starts with prefix. The prefix may end mid-name
 * (`packs/a`): the containing directory is read and its entries filtered. Names beginning with '.'
 * (the driver's `.tmp`, `.locks`) and anything that is not a valid key or not a regular file are
 * skipped. Sizes come from lstat, done synchronously in slices (measured ~1.7× faster than async stat
 * on 100k files) with a yield to the event loop between slices.
 */
export async function* listObjectFiles(rootDir: string, prefix: string): AsyncGenerator<ListedObject> {
  assertValidPrefix(prefix);
  const slash = prefix.lastIndexOf('/');
  // Directories still to read, each with the name prefix its entries must have ('' below the first).
  const pending: { dirKey: string; namePrefix: string }[] = [
    { dirKey: slash < 0 ? '' : prefix.slice(0, slash), namePrefix: prefix.slice(slash + 1) },
  ];
  let stats = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { dirKey, namePrefix } = next;
    const dirPath = dirKey === '' ? rootDir : path.join(rootDir, dirKey);
    for (const entry of await readDirOrNothing(dirPath, dirKey)) {
      const name = entry.name;
      if (name.startsWith('.') || !name.startsWith(namePrefix)) continue;
      const key = dirKey === '' ? name : `${dirKey}/${name}`;
      if (entry.isDirectory()) {
        pending.push({ dirKey: key, namePrefix: '' });
      } else if (entry.isFile() && isValidKey(key)) {
        const fileStats = statFile(path.join(dirPath, name), key);
        if (++stats % STATS_PER_TURN === 0) await yieldToEventLoop();
        if (fileStats?.isFile() === true) yield { key, size: fileStats.size };
      }
    }
  }
}

function statFile(filePath: string, key: string): Stats | undefined {
  try {
    return lstatSync(filePath, { throwIfNoEntry: false });
  } catch (error) {
    throw translateFsError(error, key, 'list');
  }
}

async function readDirOrNothing(dirPath: string, dirKey: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dirPath, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw translateFsError(error, dirKey === '' ? '(root)' : dirKey, 'list');
  }
}
