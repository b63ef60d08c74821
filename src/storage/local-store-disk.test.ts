import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { MS_PER_HOUR, MS_PER_MINUTE } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { LocalStore, type LocalStoreOptions } from './local-store.js';
import { pageCacheHintsUnavailable, residentPages } from '../native/page-cache.js';
import { listKeys, rejectsWithCode } from './testing/conformance-support.js';
import { countImmutable, makeTempRoot, removeTempRoot } from './testing/temp-root.js';

const createdDirs: string[] = [];
/** statfs(2) f_type of tmpfs. */
const TMPFS_MAGIC = 0x01021994;

async function makeRoot(): Promise<string> {
  const dir = await makeTempRoot('local-disk');
  createdDirs.push(dir);
  return dir;
}

after(async () => {
  for (const dir of createdDirs) await removeTempRoot(dir);
});

async function openStore(
  options: LocalStoreOptions = {},
): Promise<{ store: LocalStore; clock: FakeClock; root: string }> {
  const root = await makeRoot();
  const clock = new FakeClock();
  return { store: await LocalStore.open(root, clock, options), clock, root };
}

async function residentPagesOf(filePath: string): Promise<number> {
  const handle = await fs.open(filePath, 'r');
  try {
    const pages = residentPages(handle.fd);
    assert.notEqual(pages, null, 'mincore works here');
    return pages ?? 0;
  } finally {
    await handle.close();
  }
}

function isImmutable(filePath: string): boolean {
  return countImmutable([filePath]) === 1;
}

/** On this machine (root, ext4) the attribute must work; elsewhere the test says why it cannot. */
function requireImmutable(t: TestContext, store: LocalStore): boolean {
  const { supported, detail } = store.immutableAttribute;
  if (supported) return true;
  const expected = process.platform === 'linux' && process.getuid?.() === 0;
  assert.ok(!expected, `running as root on Linux, yet the immutable attribute is unsupported: ${detail}`);
  t.diagnostic(`immutable attribute unsupported here: ${detail}`);
  t.skip(`immutable attribute unsupported: ${detail}`);
  return false;
}

describe('LocalStore on disk', () => {
  it('writes object files read-only (mode 0444) under their key', async () => {
    const { store, root } = await openStore();
    await store.put('packs/ab/ab01', Buffer.from('data'));
    const stats = await fs.stat(path.join(root, 'packs/ab/ab01'));
    assert.equal(stats.mode & 0o777, 0o444);
    assert.deepEqual(await fs.readdir(path.join(root, '.tmp')), [], 'no temp file is left');
    await store.close();
  });

  it('stores a file staged in its staging directory by linking it, and refuses a file from elsewhere', async () => {
    const { store, root } = await openStore();
    const staged = path.join(store.stagingDir, 'ready.pack');
    await fs.writeFile(staged, 'pack bytes');
    await store.putFile('packs/ab/abcd', staged);
    assert.equal((await store.get('packs/ab/abcd')).toString(), 'pack bytes');
    assert.equal((await fs.stat(path.join(root, 'packs/ab/abcd'))).mode & 0o777, 0o444);
    await assert.rejects(fs.stat(staged), 'the staged file is taken');
    // Never overwrites: the second file is refused and still taken (the caller staged it to store it).
    const again = path.join(store.stagingDir, 'again.pack');
    await fs.writeFile(again, 'other bytes');
    await rejectsWithCode(store.putFile('packs/ab/abcd', again), 'ALREADY_EXISTS');
    assert.equal((await store.get('packs/ab/abcd')).toString(), 'pack bytes');
    // A path outside the staging directory is refused and left alone.
    const outside = path.join(root, 'outside.pack');
    await fs.writeFile(outside, 'mine');
    await rejectsWithCode(store.putFile('packs/ab/other', outside), 'INVALID_ARGUMENT');
    assert.equal(await fs.readFile(outside, 'utf8'), 'mine');
    assert.equal(await store.has('packs/ab/other'), false);
  });

  it('drops a stored staged file from the page cache once it is durable, and says so in its probe', async () => {
    // The native addon is built by `npm install`; on Linux its absence is a broken install, not a skip.
    assert.equal(pageCacheHintsUnavailable(), null);
    const { store, root } = await openStore();
    const staged = path.join(store.stagingDir, 'big.pack');
    await fs.writeFile(staged, randomBytes(4 * 1024 * 1024));
    assert.ok((await residentPagesOf(staged)) > 0, 'a file just written is cached');
    await store.putFile('packs/cd/cdef', staged);
    // On tmpfs the page cache is the file itself: nothing can be dropped, and the probe says so.
    const inMemory = (await fs.statfs(root)).type === TMPFS_MAGIC;
    const left = await residentPagesOf(path.join(root, 'packs/cd/cdef'));
    if (inMemory) assert.ok(left > 0);
    else assert.equal(left, 0);
    const check = (await store.probe()).checks.find((c) => c.name === 'packs leave the page cache');
    assert.equal(check?.ok, !inMemory, check?.detail);
    await store.close();
  });

  it('reports the immutable attribute as supported in its probe and capabilities', async (t) => {
    const { store } = await openStore();
    const report = await store.probe();
    t.diagnostic(JSON.stringify(report, null, 2));
    if (!requireImmutable(t, store)) return;
    const check = report.checks.find((c) => c.name === 'immutable attribute');
    assert.equal(check?.ok, true, check?.detail);
    assert.ok(store.capabilities.enforcement.includes('immutable attribute'));
    for (const c of report.checks) assert.equal(c.ok, true, `${c.name}: ${c.detail}`);
    assert.deepEqual(await fs.readdir(path.join(store.rootDir, '.tmp')), [], 'the probe leaves nothing behind');
    await store.close();
  });

  it('makes a direct unlink of a locked file fail, yet deletes it once the lock lapsed', async (t) => {
    const { store, clock, root } = await openStore();
    if (!requireImmutable(t, store)) return;
    await store.put('points/p1', Buffer.from('manifest'), {
      lock: { mode: 'compliance', retainUntil: clock.nowMs() + MS_PER_HOUR },
    });
    await store.flushImmutable();
    const filePath = path.join(root, 'points/p1');
    assert.equal(isImmutable(filePath), true);
    await assert.rejects(fs.unlink(filePath), (error: NodeJS.ErrnoException) => error.code === 'EPERM');
    clock.advanceMs(MS_PER_HOUR);
    await store.delete('points/p1');
    assert.equal(await store.has('points/p1'), false);
    await store.close();
  });

  it('keeps an immutable object whose ledger entry was erased, even after its lock lapsed', async (t) => {
    const { store, clock, root } = await openStore();
    if (!requireImmutable(t, store)) return;
    await store.put('points/p', Buffer.from('p'), { lock: { mode: 'governance', retainUntil: clock.nowMs() + 1000 } });
    await store.flushImmutable();
    await fs.rm(path.join(root, '.locks', 'points', 'p.json'));
    clock.advanceMs(2000);
    const error = await rejectsWithCode(store.delete('points/p', { bypassGovernance: true }), 'OBJECT_LOCKED');
    assert.match(error.message, /no lock ledger entry/);
    assert.equal(await store.has('points/p'), true);
    await store.close();
  });

  it('clears the attribute when a lock is removed with bypass, so the object can go', async (t) => {
    const { store, clock, root } = await openStore();
    if (!requireImmutable(t, store)) return;
    await store.put('points/q', Buffer.from('q'), { lock: { mode: 'governance', retainUntil: clock.nowMs() + 1000 } });
    await store.flushImmutable();
    await store.setLock('points/q', undefined, { bypassGovernance: true });
    assert.equal(isImmutable(path.join(root, 'points/q')), false);
    await store.delete('points/q');
    await store.close();
  });

  it('sets the attribute on close, for locks and holds given after the put', async (t) => {
    const { store, clock, root } = await openStore({ immutableFlushDelayMs: 10 * MS_PER_MINUTE });
    if (!requireImmutable(t, store)) return;
    const keys = Array.from({ length: 12 }, (_, i) => `packs/${String(i % 3)}/p${String(i)}`);
    for (const key of keys) await store.put(key, Buffer.from(key));
    for (const key of keys.slice(0, 11))
      await store.setLock(key, { mode: 'governance', retainUntil: clock.nowMs() + 1000 });
    await store.setLegalHold(keys[11] ?? '', true);
    assert.equal(isImmutable(path.join(root, keys[0] ?? '')), false, 'the attribute waits for its batch');
    await store.close();
    for (const key of keys) assert.equal(isImmutable(path.join(root, key)), true, key);
    assert.deepEqual(store.immutableAttribute.failures, []);
  });

  it('keeps enforcing locks and holds after the store is opened again', async () => {
    const { store, clock, root } = await openStore();
    const lock = { mode: 'compliance', retainUntil: clock.nowMs() + MS_PER_HOUR } as const;
    await store.put('index/i1', Buffer.from('i'), { lock });
    await store.put('index/i2', Buffer.from('i'), { legalHold: true });
    await store.close();
    const reopened = await LocalStore.open(root, clock);
    assert.deepEqual((await reopened.stat('index/i1')).lock, lock);
    await rejectsWithCode(reopened.delete('index/i1', { bypassGovernance: true }), 'OBJECT_LOCKED');
    await rejectsWithCode(reopened.delete('index/i2', { bypassGovernance: true }), 'LEGAL_HOLD_ACTIVE');
    await reopened.close();
  });

  it('removes stale temp files at open and keeps fresh ones', async () => {
    const root = await makeRoot();
    const clock = new FakeClock();
    await (await LocalStore.open(root, clock)).close();
    const stale = path.join(root, '.tmp', 'stale-crash');
    const fresh = path.join(root, '.tmp', 'fresh-write');
    await fs.writeFile(stale, 'partial');
    await fs.writeFile(fresh, 'in progress');
    await fs.utimes(stale, (clock.nowMs() - 2 * MS_PER_HOUR) / 1000, (clock.nowMs() - 2 * MS_PER_HOUR) / 1000);
    await fs.utimes(fresh, (clock.nowMs() - 10 * MS_PER_MINUTE) / 1000, (clock.nowMs() - 10 * MS_PER_MINUTE) / 1000);
    await (await LocalStore.open(root, clock)).close();
    assert.deepEqual(await fs.readdir(path.join(root, '.tmp')), ['fresh-write']);
  });

  it('shows no object when a crash struck between temp write and link', async () => {
    const { store, root } = await openStore();
    await fs.writeFile(path.join(root, '.tmp', 'abandoned'), 'a whole object that was never linked');
    assert.equal(await store.has('abandoned'), false);
    assert.deepEqual(await listKeys(store, ''), []);
    await store.put('abandoned', Buffer.from('the real one'));
    assert.equal((await store.get('abandoned')).toString(), 'the real one');
    await store.close();
  });

  it('lists neither .tmp nor .locks nor foreign files', async () => {
    const { store, clock, root } = await openStore();
    await store.put('keys/k1', Buffer.from('k'), { lock: { mode: 'governance', retainUntil: clock.nowMs() + 1000 } });
    await fs.writeFile(path.join(root, '.tmp', 'leftover'), 'x');
    await fs.writeFile(path.join(root, 'keys', '.swap'), 'x');
    await fs.writeFile(path.join(root, 'keys', 'UPPER'), 'x');
    assert.deepEqual(await listKeys(store, ''), ['keys/k1']);
    assert.deepEqual(await fs.readdir(path.join(root, '.locks', 'keys')), ['k1.json']);
    await store.close();
  });

  it('combines a leftover ledger entry of a crashed put with the new put, never weakening it', async () => {
    const { store, clock, root } = await openStore();
    const retainUntil = clock.nowMs() + MS_PER_HOUR;
    await fs.mkdir(path.join(root, '.locks', 'packs'), { recursive: true });
    await fs.writeFile(
      path.join(root, '.locks', 'packs', 'p.json'),
      JSON.stringify({ version: 1, mode: 'compliance', retainUntil, legalHold: false }),
    );
    await store.put('packs/p', Buffer.from('p'), { lock: { mode: 'governance', retainUntil: retainUntil - 1000 } });
    assert.deepEqual((await store.stat('packs/p')).lock, { mode: 'compliance', retainUntil });
    await store.close();
  });

  it('fails closed with CORRUPT_OBJECT when a ledger entry is unreadable', async () => {
    const { store, root } = await openStore();
    await store.put('points/p', Buffer.from('p'));
    await fs.mkdir(path.join(root, '.locks', 'points'));
    await fs.writeFile(path.join(root, '.locks', 'points', 'p.json'), '{"version":1,"mode":"gover');
    await rejectsWithCode(store.delete('points/p', { bypassGovernance: true }), 'CORRUPT_OBJECT');
    assert.equal(await store.has('points/p'), true);
    await store.close();
  });

  it('refuses a key that runs through an existing object, leaving no ledger entry behind', async () => {
    const { store, clock, root } = await openStore();
    await store.put('a', Buffer.from('a'));
    await rejectsWithCode(store.put('a/b', Buffer.from('b')), 'INVALID_ARGUMENT');
    const lock = { mode: 'compliance', retainUntil: clock.nowMs() + 1000 } as const;
    await rejectsWithCode(store.put('a/c', Buffer.from('c'), { lock }), 'INVALID_ARGUMENT');
    await assert.rejects(
      fs.stat(path.join(root, '.locks', 'a', 'c.json')),
      'the failed put took its ledger entry back',
    );
    await store.close();
  });

  it('refuses to open a directory that does not exist', async () => {
    const root = await makeRoot();
    await assert.rejects(LocalStore.open(path.join(root, 'nope'), new FakeClock()), (error) =>
      isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('says honestly when the immutable attribute is off or chattr is missing', async () => {
    const disabled = await openStore({ immutableAttribute: false });
    assert.deepEqual(disabled.store.capabilities.enforcement, ['ledger', 'read-only files']);
    const check = (await disabled.store.probe()).checks.find((c) => c.name === 'immutable attribute');
    assert.ok(check !== undefined);
    assert.equal(check.ok, false);
    assert.match(check.detail, /disabled by configuration/);
    await disabled.store.close();
    const missing = await openStore({ chattrPath: '/nonexistent/chattr' });
    assert.equal(missing.store.immutableAttribute.supported, false);
    assert.match(missing.store.immutableAttribute.detail, /not installed/);
    await missing.store.close();
  });
});
