import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAmberError } from '../../core/errors.js';
import { registerListCases } from './conformance-list.js';
import { registerLockCases } from './conformance-locks.js';
import {
  listKeys,
  rejectsWithCode,
  someBytes,
  withSubject,
  type CaseFactory,
  type ConformanceOptions,
  type Harness,
  type SubjectFactory,
} from './conformance-support.js';

export type { ConformanceOptions, ConformanceSubject, SubjectFactory } from './conformance-support.js';

const INVALID_KEYS = [
  '',
  '/abs',
  'a/../b',
  '..',
  '.hidden',
  'a/.dot',
  'Upper',
  'a//b',
  'a/',
  'sp ace',
  'a\\b',
  'x'.repeat(513),
];

/**
 * Registers the contract tests of storage/object-store.ts for one driver. `make` returns a fresh,
 * empty store per test case (with its clock and a cleanup); see ConformanceSubject for stores that
 * judge time by their own clock.
 */
export function runConformanceSuite(name: string, make: SubjectFactory, options: ConformanceOptions = {}): void {
  const test = (body: (h: Harness) => Promise<void>): ReturnType<typeof withSubject> =>
    withSubject(make, options, body);
  // Every case has its own store and clock, so cases run side by side (I/O-bound drivers gain most).
  const parallel = { concurrency: options.concurrency ?? 4 };
  describe(`${name}: object store conformance`, parallel, () => {
    describe('reads and writes', parallel, () => {
      registerReadWriteCases(test);
    });
    describe('listing', parallel, () => {
      registerListCases(test, options.manyObjects ?? 300);
    });
    describe('deleting', parallel, () => {
      registerDeleteCases(test);
    });
    registerLockCases(make, options);
  });
}

function registerReadWriteCases(test: CaseFactory): void {
  it(
    'stores objects and returns the same bytes, empty and large ones too',
    test(async ({ store }) => {
      const objects = new Map([
        ['empty', Buffer.alloc(0)],
        ['one', someBytes(1)],
        ['big/object', someBytes(3 * 1024 * 1024 + 7)],
      ]);
      for (const [key, data] of objects) await store.put(key, data);
      for (const [key, data] of objects) assert.deepEqual(await store.get(key), data);
    }),
  );

  it(
    'keeps the stored bytes when the caller reuses its buffer afterwards',
    test(async ({ store }) => {
      const data = someBytes(4096);
      const original = Buffer.from(data);
      await store.put('reused', data);
      data.fill(0);
      const first = await store.get('reused');
      assert.deepEqual(first, original);
      first.fill(1);
      assert.deepEqual(await store.get('reused'), original);
    }),
  );

  it(
    'reads byte ranges, including empty ranges and the very end',
    test(async ({ store }) => {
      const data = someBytes(10_000);
      await store.put('ranged', data);
      assert.deepEqual(await store.getRange('ranged', 0, 10), data.subarray(0, 10));
      assert.deepEqual(await store.getRange('ranged', 1234, 4321), data.subarray(1234, 5555));
      assert.deepEqual(await store.getRange('ranged', 9995, 5), data.subarray(9995));
      assert.equal((await store.getRange('ranged', 10_000, 0)).length, 0);
    }),
  );

  it(
    'refuses ranges past the end or with negative or fractional numbers',
    test(async ({ store }) => {
      await store.put('ranged', someBytes(100));
      for (const [offset, length] of [
        [95, 6],
        [101, 0],
        [-1, 2],
        [0, -1],
        [1.5, 1],
      ] as const) {
        await rejectsWithCode(store.getRange('ranged', offset, length), 'INVALID_ARGUMENT');
      }
    }),
  );

  it(
    'reports size and no protection in stat, and tells present from missing keys',
    test(async ({ store }) => {
      await store.put('a/stat-me', someBytes(321));
      const info = await store.stat('a/stat-me');
      assert.equal(info.key, 'a/stat-me');
      assert.equal(info.size, 321);
      assert.equal(info.lock, undefined);
      assert.equal(info.legalHold, false);
      assert.equal(await store.has('a/stat-me'), true);
      assert.equal(await store.has('a/missing'), false);
      assert.equal(await store.has('a'), false);
    }),
  );

  it(
    'fails with NOT_FOUND when reading a missing key',
    test(async ({ store }) => {
      await store.put('dir/present', someBytes(3));
      for (const key of ['missing', 'dir/missing', 'dir', 'dir/present/deeper']) {
        await rejectsWithCode(store.get(key), 'NOT_FOUND');
        await rejectsWithCode(store.getRange(key, 0, 0), 'NOT_FOUND');
        await rejectsWithCode(store.stat(key), 'NOT_FOUND');
      }
    }),
  );

  it(
    'refuses to overwrite an existing key and keeps the first bytes',
    test(async ({ store }) => {
      const first = someBytes(64);
      await store.put('once', first);
      await rejectsWithCode(store.put('once', someBytes(64)), 'ALREADY_EXISTS');
      await rejectsWithCode(store.put('once', first), 'ALREADY_EXISTS');
      assert.deepEqual(await store.get('once'), first);
    }),
  );

  it(
    'lets exactly one of concurrent puts of the same key win, whole',
    test(async ({ store }) => {
      const candidates = Array.from({ length: 8 }, () => someBytes(256 * 1024));
      const outcomes = await Promise.allSettled(candidates.map((data) => store.put('contested', data)));
      const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
      assert.equal(winners.length, 1, 'exactly one put succeeds');
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected')
          assert.ok(isAmberError(outcome.reason, 'ALREADY_EXISTS'), String(outcome.reason));
      }
      assert.deepEqual(await store.get('contested'), candidates[winners[0] ?? -1]);
    }),
  );

  it(
    'refuses invalid keys in every operation with INVALID_ARGUMENT',
    test(async ({ store }) => {
      for (const key of INVALID_KEYS) {
        await rejectsWithCode(store.put(key, someBytes(1)), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.get(key), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.getRange(key, 0, 0), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.stat(key), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.has(key), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.delete(key), 'INVALID_ARGUMENT');
      }
      assert.deepEqual(await listKeys(store, ''), []);
    }),
  );

  it(
    'accepts every character the key rules allow, up to 512 characters',
    test(async ({ store }) => {
      // 512 characters in all; segments stay under 250, which local file systems need.
      const longKey = `long/${'z'.repeat(200)}/${'y'.repeat(200)}/${'x'.repeat(105)}`;
      assert.equal(longKey.length, 512);
      const keys = ['amber.vault', 'a-b_c.d/0.9/x', '_/-/9', 'k.', longKey];
      for (const key of keys) await store.put(key, Buffer.from(key));
      for (const key of keys) assert.equal((await store.get(key)).toString(), key);
    }),
  );
}

function registerDeleteCases(test: CaseFactory): void {
  it(
    'deletes an object, after which it is gone from get, has, stat and list',
    test(async ({ store }) => {
      await store.put('doomed/one', someBytes(5));
      await store.put('doomed/two', someBytes(5));
      await store.delete('doomed/one');
      await rejectsWithCode(store.get('doomed/one'), 'NOT_FOUND');
      await rejectsWithCode(store.stat('doomed/one'), 'NOT_FOUND');
      assert.equal(await store.has('doomed/one'), false);
      assert.deepEqual(await listKeys(store, ''), ['doomed/two']);
    }),
  );

  it(
    'fails with NOT_FOUND when deleting a missing key',
    test(async ({ store }) => {
      await rejectsWithCode(store.delete('never-was'), 'NOT_FOUND');
      await store.put('was', someBytes(1));
      await store.delete('was');
      await rejectsWithCode(store.delete('was'), 'NOT_FOUND');
    }),
  );

  it(
    'lets a deleted key be written again',
    test(async ({ store }) => {
      await store.put('phoenix', someBytes(10));
      await store.delete('phoenix');
      const second = someBytes(20);
      await store.put('phoenix', second);
      assert.deepEqual(await store.get('phoenix'), second);
    }),
  );

  it(
    'probes without leaving an object behind and can be closed twice',
    test(async ({ store }) => {
      await store.put('keep', someBytes(1));
      const report = await store.probe();
      assert.equal(report.location, store.location);
      assert.ok(report.checks.length > 0);
      for (const check of report.checks)
        assert.ok(check.name.length > 0 && check.detail.length > 0, JSON.stringify(check));
      assert.deepEqual(await listKeys(store, ''), ['keep']);
      await store.close();
    }),
  );
}
