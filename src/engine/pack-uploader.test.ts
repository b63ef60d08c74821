import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/testing/fake-clock.js';
import { asPackId, type BlobId } from '../core/ids.js';
import { MemoryStore } from '../storage/memory-store.js';
import { PackUploader } from './pack-uploader.js';
import { Repository } from './repository.js';

const KDF = { logN: 10, r: 8, p: 1 };

function fakePack(n: number): { id: ReturnType<typeof asPackId>; bytes: Buffer; blob: BlobId } {
  const bytes = Buffer.from(`pack ${n}`);
  const id = asPackId(createHash('sha256').update(bytes).digest('hex'));
  const blob = createHash('sha256').update(`blob ${n}`).digest('hex') as BlobId;
  return { id, bytes, blob };
}

describe('PackUploader', () => {
  it('writes an index segment every few stored packs, so an interrupted backup is found again', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const repo = await Repository.create(store, { passphrase: 'pw', clock, kdf: KDF });
    const uploader = new PackUploader(repo, { nowMs: () => clock.nowMs(), checkpointPacks: 2 });
    const packs = [0, 1, 2, 3, 4].map(fakePack);
    for (const pack of packs) {
      await uploader.add(pack.id, pack.bytes, [
        { blobId: pack.blob, type: 'data', offset: 0, length: 36, rawLength: 8, compression: 0 },
      ]);
    }
    await uploader.drain();
    // Two checkpoints (packs 0–1 and 2–3) are in storage; pack 4 is left for the caller's final segment.
    const segments: string[] = [];
    for await (const object of store.list('index/')) segments.push(object.key);
    assert.equal(segments.length, 2);
    assert.deepEqual(
      uploader.takeUnindexed().map((p) => p.packId),
      [packs[4]?.id],
    );
    // A new process sees the checkpointed blobs: they are not sent again.
    const reopened = await Repository.open(store, 'pw');
    await reopened.loadIndex();
    for (const pack of packs.slice(0, 4)) assert.ok(reopened.index.has(pack.blob));
    assert.equal(reopened.index.has(packs[4]?.blob as BlobId), false);
  });

  it('writes no checkpoint without a clock (callers that index everything themselves)', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const repo = await Repository.create(store, { passphrase: 'pw', clock, kdf: KDF });
    const uploader = new PackUploader(repo);
    for (const pack of [0, 1, 2].map(fakePack)) {
      await uploader.add(pack.id, pack.bytes, [
        { blobId: pack.blob, type: 'data', offset: 0, length: 36, rawLength: 8, compression: 0 },
      ]);
    }
    await uploader.drain();
    assert.equal(uploader.takeUnindexed().length, 3);
  });
});
