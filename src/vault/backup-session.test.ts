import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesCache } from '../engine/files-cache.js';
import { archive } from '../engine/archiver.js';
import { Repository } from '../engine/repository.js';
import { walkSources } from '../engine/walker.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ArchiveUpload, BackupSession } from './backup-session.js';
import type { EmbeddedVault } from './embedded-vault.js';
import {
  assertRestores,
  expectedContents,
  makeTestVault,
  PASSPHRASE,
  rejectsWithCode,
  writeSourceTree,
  type TestVault,
} from './testing/vault-fixture.js';

/**
 * The store a remote client archives into, here in-process: reads go to the vault's objects, writes
 * through the session's checked upload (the server's data plane does the same over HTTP).
 */
function sessionStore(vault: EmbeddedVault, session: BackupSession): ObjectStore {
  return {
    location: 'session',
    capabilities: { objectLock: false, legalHold: false, enforcement: [] },
    put: async (key, data) => {
      await vault.putUploaded(session, key, Buffer.from(data));
    },
    get: (key) => vault.objects.get(key),
    getRange: (key, offset, length) => vault.objects.getRange(key, offset, length),
    stat: (key) => vault.objects.stat(key),
    has: async (key) =>
      vault.objects.stat(key).then(
        () => true,
        () => false,
      ),
    list: (prefix) => vault.objects.list(prefix),
    delete: () => Promise.reject(new Error('clients never delete')),
    setLock: () => Promise.reject(new Error('clients never lock')),
    setLegalHold: () => Promise.reject(new Error('clients never hold')),
    probe: () => Promise.reject(new Error('clients never probe')),
    close: () => Promise.resolve(),
  };
}

/** Archives `dir` as a client would, uploading through the session; returns what to commit. */
async function archiveInSession(
  tv: TestVault,
  session: BackupSession,
  dir: string,
  cacheName: string,
): Promise<ArchiveUpload> {
  const repo = await Repository.open(sessionStore(tv.vault, session), PASSPHRASE);
  await repo.loadIndex();
  const walk = await walkSources([dir]);
  const filesCache = await FilesCache.load(path.join(tv.base, cacheName), repo.vaultId, 'web');
  const result = await archive(repo, walk, { clock: tv.clock, filesCache, workerCount: 1 });
  return {
    root: result.root,
    indexIds: result.indexIds,
    packIds: result.packIds,
    stats: result.stats,
    warnings: 0,
    paths: [path.resolve(dir)],
  };
}

describe('backup sessions (the data plane of remote clients)', () => {
  let tv: TestVault;
  const files = { 'a.txt': 'alpha\n', 'dir/b.bin': Buffer.alloc(300_000, 7) };
  let source: string;

  before(async () => {
    tv = await makeTestVault('sessions');
    source = path.join(tv.base, 'source');
    await writeSourceTree(source, files);
  });
  after(() => tv.dispose());

  it("commits what a client archived with the vault's time, and restores it", async () => {
    const session = await tv.vault.beginBackup({ item: 'web', retainDays: 3, hostname: 'web-01' });
    const startedAt = tv.clock.nowMs();
    const upload = await archiveInSession(tv, session, source, 'client-cache');
    tv.clock.advanceMs(3_600_000); // the upload took an hour: the point still carries its start time
    const point = await tv.vault.commitBackup(session, upload);
    assert.equal(point.createdAt, startedAt);
    assert.equal(point.retainUntil, startedAt + 3 * 86_400_000);
    assert.equal(point.hostname, 'web-01');
    await assertRestores(tv.vault, point.id, source, tv.base, expectedContents(files));
    // The session's hold on the vault ended with the commit: maintenance may run.
    await tv.vault.runMaintenance({ dryRun: true });
  });

  it('restores what a client committed through a vault that had loaded its index before', async () => {
    // The vault loads its index (a backup of its own), then a client uploads new blobs and commits.
    const own = path.join(tv.base, 'own');
    await writeSourceTree(own, { 'o.txt': 'the server backs up its own files too\n' });
    await tv.vault.backup({ item: 'own', paths: [own], retainDays: 0, hostname: 'server' });
    const clientFiles = { 'new.bin': Buffer.alloc(200_000, 5), 'note.txt': 'only the client has this\n' };
    const clientSource = path.join(tv.base, 'client-source');
    await writeSourceTree(clientSource, clientFiles);
    const session = await tv.vault.beginBackup({ item: 'web', retainDays: 0, hostname: 'web-01' });
    const point = await tv.vault.commitBackup(
      session,
      await archiveInSession(tv, session, clientSource, 'client-cache-2'),
    );
    await assertRestores(tv.vault, point.id, clientSource, tv.base, expectedContents(clientFiles));
  });

  it('stores only packs and index segments whose ids are the hashes of their bytes', async () => {
    const session = await tv.vault.beginBackup({ item: 'web', retainDays: 0, hostname: 'h' });
    try {
      const bytes = Buffer.from('not really a pack');
      const id = createHash('sha256').update(bytes).digest('hex');
      const forged = 'f'.repeat(64);
      await rejectsWithCode(tv.vault.putUploaded(session, `packs/ff/${forged}`, bytes), 'UPLOAD_REJECTED', /SHA-256/);
      await rejectsWithCode(tv.vault.putUploaded(session, `points/${id}`, bytes), 'UPLOAD_REJECTED', /only packs/);
      await rejectsWithCode(tv.vault.putUploaded(session, `index/${id}`, bytes), 'UPLOAD_REJECTED', /index segment/);
      await rejectsWithCode(tv.vault.putUploaded(session, 'amber.vault', bytes), 'UPLOAD_REJECTED');
      assert.equal(await tv.vault.putUploaded(session, `packs/${id.slice(0, 2)}/${id}`, bytes), 'stored');
      assert.equal(await tv.vault.putUploaded(session, `packs/${id.slice(0, 2)}/${id}`, bytes), 'exists');
    } finally {
      await session.release();
    }
  });

  it('refuses a commit that names objects never uploaded, and ends the session', async () => {
    const session = await tv.vault.beginBackup({ item: 'web', retainDays: 0, hostname: 'h' });
    const missing = 'e'.repeat(64);
    await rejectsWithCode(
      tv.vault.commitBackup(session, {
        root: missing as never,
        indexIds: [],
        packIds: [missing as never],
        stats: {
          files: 0,
          dirs: 0,
          sizeBytes: 0,
          addedBytes: 0,
          addedStoredBytes: 0,
          blobs: 0,
          newBlobs: 0,
          filesFromCache: 0,
        },
        warnings: 0,
        paths: [],
      }),
      'UPLOAD_REJECTED',
      /never uploaded/,
    );
    await tv.vault.runMaintenance({ dryRun: true });
  });

  it('keeps maintenance out while a session is open', async () => {
    const session = await tv.vault.beginBackup({ item: 'web', retainDays: 0, hostname: 'h' });
    await rejectsWithCode(tv.vault.runMaintenance({ dryRun: false }), 'VAULT_BUSY');
    await session.release();
    await tv.vault.runMaintenance({ dryRun: true });
  });
});
