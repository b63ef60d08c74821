import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { isAmberError } from '../core/errors.js';
import { Catalog } from './catalog.js';
import type { PointRow } from './point-row.js';
import { makePointRow, pointIdFor } from './testing/point-row-fixture.js';

const HOUR_MS = 3_600_000;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-catalog-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withCatalog(work: (catalog: Catalog) => Promise<void>): Promise<void> {
  const catalog = await Catalog.open(':memory:');
  try {
    await work(catalog);
  } finally {
    await catalog.close();
  }
}

const isCatalogError = (error: unknown): boolean => isAmberError(error, 'CATALOG_ERROR');

describe('Catalog points', () => {
  test('returns a point exactly as it was added, with and without a parent', () =>
    withCatalog(async (catalog) => {
      const first = makePointRow({ id: pointIdFor('01'), tags: ['daily', 'weekly'], paths: ['/a', '/b c'] });
      const second = makePointRow({ id: pointIdFor('02'), parent: first.id, legalHold: true, lockMode: 'compliance' });
      await catalog.addPoint(first);
      await catalog.addPoint(second);
      assert.deepEqual(await catalog.getPoint(first.id), first);
      assert.deepEqual(await catalog.getPoint(second.id), second);
      assert.equal('parent' in ((await catalog.getPoint(first.id)) ?? {}), false);
    }));

  test('returns undefined for an unknown point', () =>
    withCatalog(async (catalog) => {
      assert.equal(await catalog.getPoint(pointIdFor('ff')), undefined);
    }));

  test('keeps the first version when the same id is added twice', () =>
    withCatalog(async (catalog) => {
      const row = makePointRow({ hostname: 'first' });
      await catalog.addPoint(row);
      await catalog.addPoint({ ...row, hostname: 'second' });
      const all = await catalog.listPoints();
      assert.equal(all.length, 1);
      assert.equal(all[0]?.hostname, 'first');
    }));

  test('rejects a row the schema forbids instead of dropping it silently', () =>
    withCatalog(async (catalog) => {
      const bad = { ...makePointRow(), lockMode: 'bogus' } as unknown as PointRow;
      await assert.rejects(catalog.addPoint(bad), isCatalogError);
      assert.deepEqual(await catalog.listPoints(), []);
    }));

  test('finds points by id prefix', () =>
    withCatalog(async (catalog) => {
      for (const prefix of ['ab12', 'ab34', 'abff', 'cd00'])
        await catalog.addPoint(makePointRow({ id: pointIdFor(prefix) }));
      const ids = async (prefix: string): Promise<string[]> =>
        (await catalog.findPointsByPrefix(prefix)).map((row) => row.id.slice(0, 4));
      assert.deepEqual(await ids('ab'), ['ab12', 'ab34', 'abff']);
      assert.deepEqual(await ids('ab3'), ['ab34']);
      assert.deepEqual(await ids(pointIdFor('cd00')), ['cd00']);
      assert.deepEqual(await ids('ee'), []);
      assert.deepEqual(await ids('%'), []);
    }));

  test('lists points by creation time then id, optionally for one item', () =>
    withCatalog(async (catalog) => {
      const t0 = 1_767_225_600_000;
      const rows = [
        makePointRow({ id: pointIdFor('03'), item: 'a', createdAt: t0 + 2 * HOUR_MS }),
        makePointRow({ id: pointIdFor('02'), item: 'b', createdAt: t0 }),
        makePointRow({ id: pointIdFor('01'), item: 'a', createdAt: t0 }),
      ];
      for (const row of rows) await catalog.addPoint(row);
      const short = (list: PointRow[]): string[] => list.map((row) => row.id.slice(0, 2));
      assert.deepEqual(short(await catalog.listPoints()), ['01', '02', '03']);
      assert.deepEqual(short(await catalog.listPoints({ item: 'a' })), ['01', '03']);
      assert.deepEqual(short(await catalog.listPoints({ item: 'zzz' })), []);
    }));

  test('gives the latest point overall and per item', () =>
    withCatalog(async (catalog) => {
      assert.equal(await catalog.latestPoint(), undefined);
      const t0 = 1_767_225_600_000;
      await catalog.addPoint(makePointRow({ id: pointIdFor('01'), item: 'a', createdAt: t0 + HOUR_MS }));
      await catalog.addPoint(makePointRow({ id: pointIdFor('02'), item: 'a', createdAt: t0 }));
      await catalog.addPoint(makePointRow({ id: pointIdFor('03'), item: 'b', createdAt: t0 + 3 * HOUR_MS }));
      await catalog.addPoint(makePointRow({ id: pointIdFor('04'), item: 'b', createdAt: t0 + 3 * HOUR_MS }));
      assert.equal((await catalog.latestPoint('a'))?.id, pointIdFor('01'));
      assert.equal((await catalog.latestPoint('b'))?.id, pointIdFor('04'));
      assert.equal((await catalog.latestPoint())?.id, pointIdFor('04'));
      assert.equal(await catalog.latestPoint('none'), undefined);
    }));

  test('removes a point and ignores unknown ids', () =>
    withCatalog(async (catalog) => {
      await catalog.addPoint(makePointRow({ id: pointIdFor('01') }));
      await catalog.addPoint(makePointRow({ id: pointIdFor('02') }));
      await catalog.removePoint(pointIdFor('01'));
      await catalog.removePoint(pointIdFor('99'));
      assert.deepEqual(
        (await catalog.listPoints()).map((row) => row.id),
        [pointIdFor('02')],
      );
    }));

  test('replaces all points in one go', () =>
    withCatalog(async (catalog) => {
      await catalog.addPoint(makePointRow({ id: pointIdFor('01') }));
      const rebuilt = Array.from({ length: 1_203 }, (_, i) =>
        makePointRow({ id: pointIdFor(`b${i.toString(16).padStart(4, '0')}`), createdAt: 1_000 + i }),
      );
      await catalog.replaceAllPoints(rebuilt);
      const all = await catalog.listPoints();
      assert.equal(all.length, rebuilt.length);
      assert.deepEqual(all.at(-1), rebuilt.at(-1));
      assert.equal(await catalog.getPoint(pointIdFor('01')), undefined);
    }));

  test('leaves the old points untouched when a replacement fails midway', () =>
    withCatalog(async (catalog) => {
      const old = makePointRow({ id: pointIdFor('01') });
      await catalog.addPoint(old);
      const rows = Array.from({ length: 600 }, (_, i) =>
        makePointRow({ id: pointIdFor(`9${i.toString(16).padStart(3, '0')}`) }),
      );
      rows.push(makePointRow({ id: pointIdFor('9000') })); // a duplicate id in the second batch
      await assert.rejects(catalog.replaceAllPoints(rows), isCatalogError);
      assert.deepEqual(await catalog.listPoints(), [old]);
    }));
});

describe('Catalog meta and lifecycle', () => {
  test('stores and overwrites meta values', () =>
    withCatalog(async (catalog) => {
      assert.equal(await catalog.getMeta('rebuiltAt'), undefined);
      await catalog.setMeta('rebuiltAt', '1');
      await catalog.setMeta('rebuiltAt', '2');
      assert.equal(await catalog.getMeta('rebuiltAt'), '2');
    }));

  test('keeps points and meta across a reopen of the same file, in WAL mode', async () => {
    const file = join(dir, 'reopen.db');
    const row = makePointRow({ parent: pointIdFor('00') });
    const first = await Catalog.open(file);
    await first.addPoint(row);
    await first.setMeta('vault', 'v1');
    await first.close();
    const second = await Catalog.open(file);
    assert.deepEqual(await second.getPoint(row.id), row);
    assert.equal(await second.getMeta('vault'), 'v1');
    await second.close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  test('refuses calls after close, and closing twice is harmless', async () => {
    const catalog = await Catalog.open(':memory:');
    await catalog.close();
    await catalog.close();
    await assert.rejects(
      catalog.listPoints(),
      (error: unknown) => isCatalogError(error) && /closed/.test(String(error)),
    );
  });

  test('reports a file that is not a database as a catalog error with its cause', async () => {
    const file = join(dir, 'not-a-db.db');
    await writeFile(file, 'this is not sqlite, just some text that is long enough to have a header'.repeat(20));
    await assert.rejects(Catalog.open(file), (error: unknown) => {
      assert.ok(isCatalogError(error));
      assert.ok(error instanceof Error && error.cause !== undefined);
      return true;
    });
  });

  test('reports a missing parent directory as a catalog error', async () => {
    await assert.rejects(Catalog.open(join(dir, 'missing', 'catalog.db')), isCatalogError);
  });
});
