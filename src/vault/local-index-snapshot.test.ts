import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobIndex } from '../engine/blob-index.js';
import { IndexSnapshot } from '../engine/index-snapshot.js';
import { EmbeddedVault } from './embedded-vault.js';
import {
  assertRestores,
  expectedContents,
  makeTestVault,
  PASSPHRASE,
  writeSourceTree,
  type FileContents,
  type TestVault,
} from './testing/vault-fixture.js';

/** The index snapshot of the only vault in a cache directory. */
async function snapshotFile(cacheDir: string): Promise<string> {
  const [vaultId] = await readdir(cacheDir);
  return path.join(cacheDir, vaultId as string, 'index-snapshot');
}

describe('the local index snapshot', () => {
  let tv: TestVault;
  let source: string;
  let otherSource: string;
  let firstPoint: string;
  const day1: FileContents = { 'a.txt': 'alpha\n', 'big.bin': Buffer.alloc(700_000, 3), 'd/c.txt': 'gamma\n' };
  const day2: FileContents = { ...day1, 'a.txt': 'alpha, edited\n', 'd/e.txt': 'epsilon\n' };
  const day3: FileContents = { ...day2, 'f.txt': 'phi\n' };

  before(async () => {
    tv = await makeTestVault('index-snapshot');
    source = path.join(tv.base, 'source');
    otherSource = path.join(tv.base, 'other');
  });
  after(() => tv.dispose());

  const backup = async (vault: EmbeddedVault, item: string, dir: string): Promise<string> =>
    (await vault.backup({ item, paths: [dir], retainDays: 0, hostname: 'h' })).point.id;

  it('is written by a backup and used by the next one, whose points restore exactly', async () => {
    await writeSourceTree(source, day1);
    const first = await backup(tv.vault, 'docs', source);
    firstPoint = first;
    const written = await stat(await snapshotFile(tv.cacheDir));
    assert.ok(written.size > 0);
    await writeSourceTree(source, day2);
    const vault = await tv.reopen();
    const second = await backup(vault, 'docs', source);
    await assertRestores(vault, first, source, tv.base, expectedContents(day1), 'first');
    await assertRestores(vault, second, source, tv.base, expectedContents(day2), 'second');
    assert.notDeepEqual(await readFile(await snapshotFile(tv.cacheDir)), Buffer.alloc(0));
  });

  it('is not trusted unless written under the vault key: the index is loaded from storage, the snapshot written anew', async () => {
    // A forged snapshot for exactly the segments storage lists, claiming the vault holds no blob.
    const file = await snapshotFile(tv.cacheDir);
    const genuine = await IndexSnapshot.read(file);
    assert.ok(genuine !== undefined);
    await IndexSnapshot.write(file, randomBytes(32), new BlobIndex(), genuine.segments);
    const forged = await readFile(file);
    const vault = await tv.reopen();
    await assertRestores(vault, firstPoint, source, tv.base, expectedContents(day1), 'despite a forged snapshot');
    await writeSourceTree(source, day3);
    const third = await backup(vault, 'docs', source);
    await assertRestores(vault, third, source, tv.base, expectedContents(day3), 'after a forged snapshot');
    assert.notDeepEqual(await readFile(file), forged);
  });

  it('is not used once storage holds segments it does not stand for (another host backed up)', async () => {
    // A second host: its own cache directory, the same vault.
    const otherCache = path.join(tv.base, 'other-cache');
    const other = await EmbeddedVault.open({
      dir: tv.dir,
      clock: tv.clock,
      cacheDir: otherCache,
      passphrase: () => Promise.resolve(PASSPHRASE),
      workerCount: 1,
    });
    const otherFiles: FileContents = { 'o.txt': 'only the other host has this\n', 'o.bin': Buffer.alloc(600_000, 9) };
    await writeSourceTree(otherSource, otherFiles);
    const otherPoint = await backup(other, 'other', otherSource);
    await other.close();
    // This host's snapshot predates the other host's segment: restoring that point needs its blobs.
    const vault = await tv.reopen();
    await assertRestores(vault, otherPoint, otherSource, tv.base, expectedContents(otherFiles), 'other host');
    const again = await backup(vault, 'docs', source);
    await assertRestores(vault, again, source, tv.base, expectedContents(day3), 'after a stale snapshot');
  });
});
