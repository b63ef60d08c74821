import assert from 'node:assert/strict';
import { it } from 'node:test';
import { listKeys, rejectsWithCode, someBytes, type CaseFactory, type Harness } from './conformance-support.js';

/** Listing contracts: prefixes (directory-like, mid-name, empty), nesting, sizes, many objects. */
export function registerListCases(test: CaseFactory, manyObjects: number): void {
  const layout: Record<string, number> = {
    'amber.vault': 10,
    'packs/ab/ab01': 11,
    'packs/ab/ab02': 12,
    'packs/cd/cd01': 13,
    packsx: 14,
    'index/i1': 15,
    'index/j1': 16,
  };
  const seed = async ({ store }: Harness): Promise<void> => {
    for (const [key, size] of Object.entries(layout)) await store.put(key, someBytes(size));
  };

  it(
    'lists every object with its size when the prefix is empty',
    test(async (h) => {
      await seed(h);
      const listed = new Map<string, number>();
      for await (const object of h.store.list('')) listed.set(object.key, object.size);
      assert.deepEqual(Object.fromEntries([...listed].sort()), Object.fromEntries(Object.entries(layout).sort()));
    }),
  );

  it(
    'lists nested objects under a directory-like prefix',
    test(async (h) => {
      await seed(h);
      assert.deepEqual(await listKeys(h.store, 'packs/'), ['packs/ab/ab01', 'packs/ab/ab02', 'packs/cd/cd01']);
      assert.deepEqual(await listKeys(h.store, 'packs/ab/'), ['packs/ab/ab01', 'packs/ab/ab02']);
    }),
  );

  it(
    'lists by a prefix that ends in the middle of a name',
    test(async (h) => {
      await seed(h);
      assert.deepEqual(await listKeys(h.store, 'packs/a'), ['packs/ab/ab01', 'packs/ab/ab02']);
      assert.deepEqual(await listKeys(h.store, 'packs/ab/ab0'), ['packs/ab/ab01', 'packs/ab/ab02']);
      assert.deepEqual(await listKeys(h.store, 'packs'), ['packs/ab/ab01', 'packs/ab/ab02', 'packs/cd/cd01', 'packsx']);
      assert.deepEqual(await listKeys(h.store, 'index/i'), ['index/i1']);
      assert.deepEqual(await listKeys(h.store, 'amber.v'), ['amber.vault']);
    }),
  );

  it(
    'lists nothing for a prefix that matches nothing',
    test(async (h) => {
      await seed(h);
      assert.deepEqual(await listKeys(h.store, 'nothing/'), []);
      assert.deepEqual(await listKeys(h.store, 'packs/zz'), []);
      assert.deepEqual(await listKeys(h.store, 'amber.vault/'), []);
    }),
  );

  it(
    'refuses a list prefix that could never start a valid key',
    test(async ({ store }) => {
      for (const prefix of ['../', '/', '.tmp/', 'a/../'])
        await rejectsWithCode(listKeys(store, prefix), 'INVALID_ARGUMENT');
    }),
  );

  it(
    `lists ${String(manyObjects)} objects, each exactly once`,
    test(async ({ store }) => {
      const expected: string[] = [];
      const data = someBytes(8);
      for (let i = 0; i < manyObjects; i++) expected.push(`many/${(i % 16).toString(16)}/obj-${String(i)}`);
      for (let i = 0; i < expected.length; i += 50) {
        await Promise.all(expected.slice(i, i + 50).map((key) => store.put(key, data)));
      }
      assert.deepEqual(await listKeys(store, 'many/'), expected.sort());
    }),
  );
}
