/**
 * Garbage collection and index supersession: a segment garbage collection replaced must never become
 * current again (it may list packs deleted since), and a new segment carries the locks and legal
 * holds of the points whose packs it describes.
 */
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { MS_PER_DAY } from '../core/clock.js';
import { objectKeys, type IndexId } from '../core/ids.js';
import { IndexSegmentMap } from './index-segment-map.js';
import {
  assertRestores,
  expectedContents,
  makeTestVault,
  writeSourceTree,
  type TestVault,
} from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

async function segmentMap(tv: TestVault): Promise<IndexSegmentMap> {
  return tv.vault.admin((ctx) => IndexSegmentMap.load(ctx.repo));
}

/** Writes an index segment with no packs that supersedes `supersedes`; returns its id. */
async function putSegment(tv: TestVault, supersedes: IndexId[], legalHold = false): Promise<IndexId> {
  return tv.vault.admin(async (ctx) => {
    const id = await ctx.repo.putIndexSegment({ createdAt: ctx.clock.nowMs(), packs: [], supersedes });
    if (legalHold) await ctx.repo.store.setLegalHold(objectKeys.index(id), true);
    return id;
  });
}

/** A source tree whose entries carry fixed times, so that the same files give the same tree blobs. */
async function writeFixedTree(dir: string, files: Record<string, Buffer>): Promise<void> {
  await writeSourceTree(dir, files);
  for (const name of Object.keys(files)) await utimes(path.join(dir, name), FIXED_SECONDS, FIXED_SECONDS);
  await utimes(dir, FIXED_SECONDS, FIXED_SECONDS);
}

const FIXED_SECONDS = 1_600_000_000;

async function exists(tv: TestVault, id: IndexId): Promise<boolean> {
  return tv.vault.admin((ctx) => ctx.repo.store.has(objectKeys.index(id)));
}

describe('garbage collection of index segments', () => {
  test('never deletes a superseded segment whose own older segment would become current again', async () => {
    const tv = await makeTestVault('gc-chain');
    made.push(tv);
    const oldest = await putSegment(tv, [], true); // kept by a legal hold
    const middle = await putSegment(tv, [oldest]);
    const newest = await putSegment(tv, [middle]); // supersedes only the middle one, as older vaults wrote
    await tv.vault.runMaintenance({ dryRun: false });
    assert.ok(await exists(tv, middle), 'the middle segment stays: deleting it would revive the oldest');
    let map = await segmentMap(tv);
    assert.ok(map.superseded.has(oldest) && map.superseded.has(middle) && !map.superseded.has(newest));
    assert.deepEqual(
      new Set(map.supersessionOf([newest])),
      new Set([newest, middle, oldest]),
      'a segment replacing the newest one would supersede the whole chain',
    );
    await tv.vault.admin((ctx) => ctx.repo.store.setLegalHold(objectKeys.index(oldest), false));
    const report = await tv.vault.runMaintenance({ dryRun: false });
    assert.equal(report.deletedIndexSegments, 2, 'then the oldest goes, and after it the middle one');
    map = await segmentMap(tv);
    assert.deepEqual([...map.segments.keys()], [newest]);
  });

  test('a rewritten segment is held and locked for the points whose packs it describes', async () => {
    const tv = await makeTestVault('gc-rewrite');
    made.push(tv);
    const { vault } = tv;
    await vault.setVaultOptions({ lockGenerationDays: 0 });
    const src = path.join(tv.base, 'src');
    // Point A: its data pack is reused by B, its tree pack is not (so GC rewrites A's segment).
    const first = { 'keep.bin': Buffer.alloc(4000, 1) };
    await writeFixedTree(src, first);
    const gone = (await vault.backup({ item: 'x', paths: [src], retainDays: 0, hostname: 't' })).point;
    const second = { ...first, 'new.bin': Buffer.alloc(2000, 3) };
    await writeSourceTree(src, second);
    tv.clock.advanceMs(1000);
    const kept = (await vault.backup({ item: 'x', paths: [src], retainDays: 30, hostname: 't' })).point;
    await vault.setLegalHold(kept.id, 'case');
    await vault.enableImmutability();
    const before = await segmentMap(tv);
    const report = await vault.runMaintenance({ dryRun: false });
    assert.deepEqual(report.expiredPoints, [gone.id]);
    assert.equal(report.rewrittenIndexSegments, 1, "A's segment is rewritten without its tree pack");
    const after = await segmentMap(tv);
    const written = [...after.segments.keys()].filter((id) => !before.segments.has(id));
    assert.equal(written.length, 1);
    const rewritten = written[0] as IndexId;
    const info = await vault.admin((ctx) => ctx.repo.store.stat(objectKeys.index(rewritten)));
    assert.equal(info.legalHold, true, "the new segment describes a held point's pack, so it is held");
    assert.equal(info.lock?.mode, 'governance');
    assert.ok((info.lock?.retainUntil ?? 0) >= kept.retainUntil, 'and locked as long as that point');
    await assertRestores(vault, kept.id, src, tv.base, expectedContents(second));
    // The same tree again (same names, modes and times): its tree blob was in the collected pack, so
    // this backup must store it again rather than deduplicate against the deleted pack.
    await writeFixedTree(src, first);
    const again = (await vault.backup({ item: 'x', paths: [src], retainDays: 1, hostname: 't' })).point;
    await assertRestores(vault, again.id, src, tv.base, expectedContents(first));
    tv.clock.advanceMs(40 * MS_PER_DAY);
    await vault.releaseLegalHold(kept.id);
    await vault.runMaintenance({ dryRun: false });
    assert.deepEqual(await vault.listPoints(), []);
    assert.deepEqual((await vault.verify({ readData: true })).problems, []);
  });
});
