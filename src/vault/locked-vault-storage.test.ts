/**
 * Defence in depth: a locked vault survives direct attempts through the local driver and the file
 * system, bypassing the vault service — deletes (with and without bypassGovernance), shortened or
 * downgraded locks, released legal holds, unlink and overwrite of the files. Afterwards every point
 * still restores bit-exactly.
 */
import assert from 'node:assert/strict';
import { appendFile, chmod, rename, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { MS_PER_DAY } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { asPointId, objectKeys } from '../core/ids.js';
import { LocalStore } from '../storage/local-store.js';
import { countImmutable } from '../storage/testing/temp-root.js';
import {
  assertRestores,
  expectedContents,
  makeTestVault,
  rejectsWithCode,
  writeSourceTree,
  type FileContents,
  type TestVault,
} from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

interface Built {
  readonly tv: TestVault;
  readonly src: string;
  readonly points: { id: string; expected: Map<string, string> }[];
  readonly heldId: string;
}

/**
 * A vault with lock generations off: point 1 (held), then the lock (no cooling-off), then point 2 five
 * days later; the clock then moves past point 1's retention (it stays only by its hold) but not point 2's.
 */
async function buildLockedVault(label: string): Promise<Built> {
  const tv = await makeTestVault(label);
  made.push(tv);
  const { vault } = tv;
  const src = path.join(tv.base, 'src');
  await vault.setVaultOptions({ lockGenerationDays: 0 });
  await vault.createPolicy({ name: 'p30', retention: { kind: 'simple', keepDays: 30 } });
  await vault.addItem({ name: 'docs', policy: 'p30', paths: [src] });
  const points: Built['points'] = [];
  const backup = async (files: FileContents): Promise<string> => {
    await writeSourceTree(src, files);
    const { point } = await vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' });
    points.push({ id: point.id, expected: expectedContents(files) });
    return point.id;
  };
  const heldId = await backup({ 'a.txt': 'first version\n', 'big.bin': Buffer.alloc(200_000, 7) });
  await vault.setLegalHold(heldId, 'case 7');
  await vault.enableImmutability();
  await vault.lockImmutability({ coolingOffMs: 0, confirmedIrreversible: true });
  tv.clock.advanceMs(5 * MS_PER_DAY);
  await backup({ 'a.txt': 'second version\n', 'big.bin': Buffer.alloc(200_000, 7), 'c/new.txt': 'new\n' });
  tv.clock.advanceMs(26 * MS_PER_DAY);
  await vault.close(); // flushes the batched immutable attributes
  return { tv, src, points, heldId };
}

async function allKeys(store: LocalStore): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of ['amber.vault', 'keys/', 'packs/', 'index/', 'points/', 'settings/']) {
    for await (const object of store.list(prefix)) keys.push(object.key);
  }
  return keys.sort();
}

const refusal = (error: unknown): boolean =>
  isAmberError(error, 'OBJECT_LOCKED') || isAmberError(error, 'LEGAL_HOLD_ACTIVE');

async function assertAllRestore(built: Built): Promise<void> {
  const vault = await built.tv.reopen();
  for (const point of built.points) await assertRestores(vault, point.id, built.src, built.tv.base, point.expected);
  assert.deepEqual((await vault.verify({ readData: true })).problems, []);
}

function requireImmutable(t: TestContext, store: LocalStore): boolean {
  if (store.immutableAttribute.supported) return true;
  assert.ok(process.getuid?.() !== 0, `as root, yet: ${store.immutableAttribute.detail}`);
  t.skip(`immutable attribute unsupported: ${store.immutableAttribute.detail}`);
  return false;
}

describe('a locked vault against direct storage access', () => {
  test('refuses to delete any object, with or without bypass, and to shorten or downgrade its lock', async () => {
    const built = await buildLockedVault('storage-locked');
    const { tv } = built;
    const store = await LocalStore.open(tv.dir, tv.clock);
    try {
      const keys = await allKeys(store);
      const kinds = new Set(keys.map((k) => k.split('/')[0]));
      assert.deepEqual([...kinds].sort(), ['amber.vault', 'index', 'keys', 'packs', 'points', 'settings']);
      const nowMs = tv.clock.nowMs();
      for (const key of keys) {
        const info = await store.stat(key);
        assert.ok(
          info.legalHold || (info.lock?.mode === 'compliance' && info.lock.retainUntil > nowMs),
          `${key} is protected: ${JSON.stringify(info)}`,
        );
        for (const bypassGovernance of [false, true]) {
          await assert.rejects(
            store.delete(key, { bypassGovernance }),
            refusal,
            `delete ${key} (bypass ${bypassGovernance})`,
          );
        }
        if (info.lock === undefined || info.lock.retainUntil <= nowMs) continue; // held only
        const shorter = { mode: 'compliance' as const, retainUntil: nowMs + 1000 };
        await rejectsWithCode(store.setLock(key, shorter, { bypassGovernance: true }), 'OBJECT_LOCKED');
        const downgrade = { mode: 'governance' as const, retainUntil: info.lock.retainUntil };
        await rejectsWithCode(store.setLock(key, downgrade, { bypassGovernance: true }), 'OBJECT_LOCKED');
        await rejectsWithCode(store.setLock(key, undefined, { bypassGovernance: true }), 'OBJECT_LOCKED');
      }
    } finally {
      await store.close();
    }
    await assertAllRestore(built);
  });

  test('a released storage hold leaves the lock, and maintenance puts the hold back', async () => {
    const built = await buildLockedVault('storage-hold');
    const { tv } = built;
    const store = await LocalStore.open(tv.dir, tv.clock);
    const held: string[] = [];
    try {
      const nowMs = tv.clock.nowMs();
      for (const key of await allKeys(store)) {
        const info = await store.stat(key);
        if (!info.legalHold) continue;
        held.push(key);
        // The storage port lets a holder of its credentials release a hold (as S3 does): an object of
        // the expired, held point that no unexpired point needs is then protected by nothing, so only
        // those whose lock still runs are tried.
        await store.setLegalHold(key, false);
        if (info.lock === undefined || info.lock.retainUntil <= nowMs) continue;
        await assert.rejects(store.delete(key, { bypassGovernance: true }), refusal, `${key} stays locked`);
      }
      assert.ok(held.includes(objectKeys.point(asPointId(built.heldId))), "the held point's manifest was held");
    } finally {
      await store.close();
    }
    const vault = await tv.reopen();
    const report = await vault.runMaintenance({ dryRun: false });
    assert.deepEqual(report.expiredPoints, [], 'the vault still holds the point');
    const again = await LocalStore.open(tv.dir, tv.clock);
    try {
      for (const key of held) assert.equal((await again.stat(key)).legalHold, true, `${key} is held again`);
    } finally {
      await again.close();
    }
    await assertAllRestore(built);
  });

  test('the files carry the immutable attribute: unlink, overwrite, rename and chmod fail with EPERM', async (t) => {
    const built = await buildLockedVault('storage-fs');
    const { tv } = built;
    const store = await LocalStore.open(tv.dir, tv.clock);
    try {
      if (!requireImmutable(t, store)) return;
      const keys = await allKeys(store);
      const files = keys.map((k) => path.join(tv.dir, k));
      assert.equal(countImmutable(files), files.length, 'every object file is immutable');
      const eperm = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EPERM';
      for (const file of files) {
        await assert.rejects(unlink(file), eperm, `unlink ${file}`);
        await assert.rejects(writeFile(file, 'overwritten'), eperm, `writeFile ${file}`);
        await assert.rejects(appendFile(file, 'x'), eperm, `appendFile ${file}`);
        await assert.rejects(truncate(file, 0), eperm, `truncate ${file}`);
        await assert.rejects(rename(file, `${file}.moved`), eperm, `rename ${file}`);
        await assert.rejects(chmod(file, 0o644), eperm, `chmod ${file}`);
      }
      // Erasing a ledger entry does not unlock the file: the driver keeps an immutable file without one.
      const pack = keys.find((k) => k.startsWith('packs/')) as string;
      await unlink(path.join(tv.dir, '.locks', `${pack}.json`));
      await rejectsWithCode(store.delete(pack, { bypassGovernance: true }), 'OBJECT_LOCKED');
    } finally {
      await store.close();
    }
    await assertAllRestore(built);
  });

  test('by contrast, a governance lock yields to bypassGovernance at the storage (the service alone holds it)', async () => {
    const tv = await makeTestVault('storage-governance');
    made.push(tv);
    const src = path.join(tv.base, 'src');
    await writeSourceTree(src, { 'a.txt': 'governed\n' });
    const { point } = await tv.vault.backup({ item: 'x', paths: [src], retainDays: 30, hostname: 'test' });
    await tv.vault.enableImmutability();
    await tv.vault.close();
    const store = await LocalStore.open(tv.dir, tv.clock);
    try {
      const key = objectKeys.point(point.id);
      await rejectsWithCode(store.delete(key), 'OBJECT_LOCKED');
      await store.delete(key, { bypassGovernance: true });
      assert.equal(await store.has(key), false);
    } finally {
      await store.close();
    }
  });
});
