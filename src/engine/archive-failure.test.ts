import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AmberError, isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { archive } from './archiver.js';
import { FilesCache } from './files-cache.js';
import { Repository } from './repository.js';
import { walkSources } from './walker.js';

/**
 * A storage failure in the middle of a backup ends the backup with that error — whichever pack fails
 * and whatever the workers are doing then (filling, flushing their last pack). Before the fix, a pack
 * refused after an earlier failure kept its shared slot, and a worker flushing its last pack waited
 * for a slot forever: the backup hung.
 */
describe('archive when storage fails part-way', () => {
  let work: string;

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'amber-archive-failure-'));
    // Incompressible: about five 16 MiB packs over two workers.
    for (let i = 0; i < 5; i++) await writeFile(path.join(work, `part-${i}.bin`), randomBytes(15 * 1024 * 1024));
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const failFrom of [1, 2, 3, 4]) {
    it(`rejects with the storage error when pack put #${failFrom} fails`, { timeout: 60_000 }, async () => {
      const clock = new FakeClock();
      const store = new MemoryStore(clock);
      const repo = await Repository.create(store, { passphrase: 'pw', clock, kdf: { logN: 10, r: 8, p: 1 } });
      let packPuts = 0;
      const put = store.put.bind(store);
      store.put = async (key, data, options) => {
        if (key.startsWith('packs/') && ++packPuts >= failFrom) {
          await new Promise((resolve) => setImmediate(resolve));
          throw new AmberError('STORAGE_ERROR', 'the disk went away');
        }
        return put(key, data, options);
      };
      const walk = await walkSources([work]);
      const filesCache = await FilesCache.load(path.join(work, 'cache'), repo.vaultId, 'item');
      await assert.rejects(archive(repo, walk, { clock, filesCache, workerCount: 2 }), (error: unknown) => {
        assert.ok(isAmberError(error, 'STORAGE_ERROR'), String(error));
        return true;
      });
    });
  }

  it('rejects with a storage error when a worker cannot write its pack, and the next backup works', async () => {
    const clock = new FakeClock();
    const vaultDir = await mkdtemp(path.join(os.tmpdir(), 'amber-staging-failure-'));
    try {
      const store = await LocalStore.open(vaultDir, clock);
      const repo = await Repository.create(store, { passphrase: 'pw', clock, kdf: { logN: 10, r: 8, p: 1 } });
      const staging = store.stagingDir;
      await rm(staging, { recursive: true }); // as a full or failing disk would: no pack can be written
      const walk = await walkSources([work]);
      const filesCache = await FilesCache.load(path.join(vaultDir, 'cache'), repo.vaultId, 'item');
      await assert.rejects(archive(repo, walk, { clock, filesCache, workerCount: 2 }), (error: unknown) => {
        assert.ok(isAmberError(error, 'STORAGE_ERROR'), String(error));
        assert.match((error as Error).message, /Cannot create a pack in .*\.tmp/);
        return true;
      });
      assert.deepEqual(await readdir(path.join(vaultDir, 'packs')).catch(() => []), []);
      await mkdir(staging);
      const result = await archive(repo, walk, { clock, filesCache, workerCount: 2 });
      assert.equal(result.stats.files, 5);
      assert.deepEqual(await readdir(staging), [], 'every staged pack was linked into place');
    } finally {
      await rm(vaultDir, { recursive: true, force: true });
    }
  });
});
