import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dropCachedPages, residentPages } from '../native/page-cache.js';
import { makeTempRoot, removeTempRoot } from '../storage/testing/temp-root.js';
import { warmSource } from './warm-source.js';

const pagesOf = (file: string, drop: boolean): number => {
  const fd = openSync(file, 'r');
  try {
    if (drop) dropCachedPages(fd);
    return residentPages(fd) ?? -1;
  } finally {
    closeSync(fd);
  }
};

describe('warmSource', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempRoot('warm-source');
  });
  after(() => removeTempRoot(dir));

  it('reads every file under the source into the page cache', async () => {
    const files = ['a.bin', 'sub/b.bin', 'sub/deeper/c.bin'].map((name) => path.join(dir, name));
    for (const [i, file] of files.entries()) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, randomBytes(200_000 * (i + 1)));
      const handle = await fs.open(file, 'r+');
      await handle.sync();
      await handle.close();
      pagesOf(file, true);
    }
    await fs.symlink('a.bin', path.join(dir, 'link'));
    assert.equal(warmSource(dir), 200_000 * 6);
    for (const [i, file] of files.entries()) assert.equal(pagesOf(file, false), Math.ceil((200_000 * (i + 1)) / 4096));
  });
});
