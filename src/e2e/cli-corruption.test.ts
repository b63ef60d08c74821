import assert from 'node:assert/strict';
import { chmod, mkdir, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { createRng } from '../bench/prng.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import { amberJson, describeRun, runAmber, stackLines, type AmberRunOptions } from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { buildCorruptionTree, seededText } from './testing/source-trees.js';
import { diffTrees, snapshotTree, strayEntries, subtree, type TreeSnapshot } from './testing/tree-snapshot.js';
import {
  copyVault,
  damagePositions,
  flipBit,
  listVaultObjects,
  readPackTrailer,
  type StoredObject,
} from './testing/vault-objects.js';

const PASSPHRASE = 'corruption passphrase';
/** Error codes a damaged object may legitimately surface as. */
const DAMAGE_CODES = new Set(['CORRUPT_OBJECT', 'WRONG_PASSWORD', 'FORMAT_UNSUPPORTED']);

interface Damage {
  readonly object: StoredObject;
  readonly position: number;
  readonly bit: number;
}

const describeDamage = (d: Damage): string => `${d.object.key} byte ${d.position} bit ${d.bit}`;

/** Whether an error is a damage error that names the damaged object (its key or the id in it). */
function namesObject(error: unknown, object: StoredObject): boolean {
  if (!isAmberError(error) || !DAMAGE_CODES.has(error.code)) return false;
  const text = `${error.message} ${JSON.stringify(error.details ?? {})}`;
  return text.includes(object.key) || text.includes(object.id);
}

describe('damaged vault objects', () => {
  let base: string;
  let src: string;
  let vault: string;
  let run: AmberRunOptions;
  let objects: StoredObject[];
  let damages: Damage[];
  const expected = new Map<string, TreeSnapshot>();
  let pointIds: string[];
  let copies = 0;

  /** A fresh copy of the vault with one bit flipped. */
  const damagedCopy = async (d: Damage): Promise<string> => {
    const copy = path.join(base, 'copies', `c${++copies}`);
    await copyVault(vault, copy);
    await flipBit(path.join(copy, d.object.key), d.position, d.bit);
    return copy;
  };
  const openVault = (dir: string): Promise<EmbeddedVault> =>
    EmbeddedVault.open({
      dir,
      clock: systemClock,
      cacheDir: path.join(base, 'cache'),
      passphrase: () => Promise.resolve(PASSPHRASE),
    });

  /** Restores `pointId` from `dir` in-process; returns the restored snapshot, or the error it threw. */
  const restoreFrom = async (
    dir: string,
    pointId: string,
    target: string,
  ): Promise<TreeSnapshot | { error: unknown }> => {
    try {
      const v = await openVault(dir);
      try {
        await v.restore({ ref: pointId, target, includes: [] });
      } finally {
        await v.close();
      }
    } catch (error) {
      return { error };
    }
    const all = await snapshotTree(target);
    assert.deepEqual(strayEntries(all, src.slice(1)), []);
    return subtree(all, src.slice(1));
  };

  before(async () => {
    base = await makeTempDir('corruption');
    src = path.join(base, 'src');
    vault = path.join(base, 'vault');
    await mkdir(src);
    await mkdir(path.join(base, 'copies'));
    await buildCorruptionTree(src, 'corruption');
    run = { env: { AMBER_PASSWORD: PASSPHRASE, AMBER_CACHE_DIR: path.join(base, 'cache'), AMBER_VAULT: undefined } };
    await EmbeddedVault.init(vault, { clock: systemClock, passphrase: PASSPHRASE, kdf: { logN: 10, r: 8, p: 1 } });
    pointIds = [];
    for (let round = 0; round < 2; round++) {
      if (round === 1) {
        await writeFile(path.join(src, 'notes', 'a.txt'), seededText(createRng('corruption', 'changed'), 4096));
        await writeFile(path.join(src, 'notes', 'added.txt'), 'added for the second point\n');
      }
      const snapshot = await snapshotTree(src);
      const backup = await amberJson<{ id: string }>(['backup', '--vault', vault, '--json', src], run);
      expected.set(backup.id, snapshot);
      pointIds.push(backup.id);
    }
    objects = await listVaultObjects(vault);
    const rng = createRng('corruption', 'positions');
    damages = [];
    for (const object of objects) {
      const trailer =
        object.kind === 'pack' ? await readPackTrailer(path.join(vault, object.key), object.sizeBytes) : undefined;
      for (const position of damagePositions(object, trailer, rng))
        damages.push({ object, position, bit: rng.below(8) });
    }
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('the undamaged vault has every kind of object, two data packs, and verifies clean with --read-data', async () => {
    const kinds = new Set(objects.map((o) => o.kind));
    assert.deepEqual([...kinds].sort(), ['header', 'index', 'key', 'pack', 'point']);
    const dataPacks = objects.filter((o) => o.kind === 'pack' && o.sizeBytes > 4 * 1024 * 1024);
    assert.ok(
      dataPacks.length >= 2,
      `only ${dataPacks.length} data packs: ${objects.map((o) => `${o.key} ${o.sizeBytes}`).join(', ')}`,
    );
    const report = await amberJson<{ problems: unknown[]; points: number }>(
      ['verify', '--vault', vault, '--read-data', '--json'],
      run,
    );
    assert.deepEqual(report.problems, []);
    assert.equal(report.points, 2);
  });

  test('a flipped bit anywhere in any stored object makes verify --read-data fail and name that object', async (t) => {
    const missed: string[] = [];
    for (const d of damages) {
      const copy = await damagedCopy(d);
      try {
        const v = await openVault(copy);
        try {
          const report = await v.verify({ readData: true });
          const named = report.problems.some((p) => `${p.object} ${p.message}`.includes(d.object.id));
          if (!named) missed.push(`${describeDamage(d)}: problems ${JSON.stringify(report.problems)}`);
        } finally {
          await v.close();
        }
      } catch (error) {
        if (!namesObject(error, d.object)) missed.push(`${describeDamage(d)}: threw ${String(error)}`);
      } finally {
        await removeTree(copy);
      }
    }
    t.diagnostic(`${damages.length} damaged copies of ${objects.length} objects checked`);
    assert.deepEqual(missed, []);
  });

  test('a restore never returns wrong data: it fails naming the damaged object, or restores bit-exactly', async (t) => {
    // Damage in blob records (first half of each pack), index segments, manifests, key envelopes, header.
    const relevant = damages.filter((d) => d.object.kind !== 'pack' || d.position < d.object.sizeBytes / 2);
    const wrong: string[] = [];
    let failedNamed = 0;
    const exact = new Map<string, number>();
    for (const d of relevant) {
      const copy = await damagedCopy(d);
      try {
        // Every damaged pack is restored from both points (one needs data the other does not).
        const refs = d.object.kind === 'pack' ? pointIds : [pointIds[1] as string];
        for (const ref of refs) {
          const target = path.join(copy, '..', `${path.basename(copy)}-restore-${ref.slice(0, 8)}`);
          const outcome = await restoreFrom(copy, ref, target);
          await removeTree(target);
          if (outcome instanceof Map) {
            const problems = diffTrees(expected.get(ref) as TreeSnapshot, outcome, { metadata: false });
            if (problems.length === 0) exact.set(d.object.kind, (exact.get(d.object.kind) ?? 0) + 1);
            else
              wrong.push(`${describeDamage(d)}: point ${ref.slice(0, 8)} restored wrong data: ${problems.join('; ')}`);
          } else if (namesObject(outcome.error, d.object)) {
            failedNamed++;
          } else {
            wrong.push(
              `${describeDamage(d)}: point ${ref.slice(0, 8)} failed without naming it: ${String(outcome.error)}`,
            );
          }
        }
      } finally {
        await removeTree(copy);
      }
    }
    const exactText = [...exact].map(([kind, count]) => `${kind} ${count}`).join(', ');
    t.diagnostic(
      `${relevant.length} damages: ${failedNamed} restores failed naming the object; bit-exact: ${exactText}`,
    );
    assert.deepEqual(wrong, []);
    assert.ok(failedNamed > 0, 'no damage ever made a restore fail');
  });

  test('through the CLI, verify and restore exit 1 and name a damaged pack; damage outside needed data restores exactly', async () => {
    const pack = objects.filter((o) => o.kind === 'pack').sort((a, b) => b.sizeBytes - a.sizeBytes)[0] as StoredObject;
    const header = objects.find((o) => o.kind === 'header') as StoredObject;
    const index = objects.find((o) => o.kind === 'index') as StoredObject;
    for (const object of [pack, header, index]) {
      const copy = await damagedCopy({ object, position: Math.floor(object.sizeBytes / 3), bit: 2 });
      const args = ['verify', '--vault', copy, '--read-data', '--json'];
      const result = await runAmber(args, run);
      assert.equal(result.code, 1, describeRun(args, result));
      assert.ok(
        `${result.stdout}${result.stderr}`.includes(object.id),
        `${object.key} not named: ${describeRun(args, result)}`,
      );
      assert.match(result.stderr, /\[CORRUPT_OBJECT\]/);
      assert.deepEqual(stackLines(result.stderr), []);
      await removeTree(copy);
    }
    // A blob record of the biggest pack (its first byte is a blob's nonce): the latest point needs it.
    const blobCopy = await damagedCopy({ object: pack, position: 0, bit: 0 });
    const blobTarget = path.join(base, 'cli-restore-blob');
    const blobArgs = ['restore', '--vault', blobCopy, 'latest', '--target', blobTarget];
    const blobRun = await runAmber(blobArgs, run);
    assert.equal(blobRun.code, 1, describeRun(blobArgs, blobRun));
    assert.match(blobRun.stderr, new RegExp(`${pack.id}.*\\[CORRUPT_OBJECT\\]`));
    // The pack's footer: a restore reads blobs by the index, so it must restore every byte exactly.
    const footerCopy = await damagedCopy({ object: pack, position: pack.sizeBytes - 20, bit: 5 });
    const footerTarget = path.join(base, 'cli-restore-footer');
    const footerArgs = ['restore', '--vault', footerCopy, 'latest', '--target', footerTarget];
    const footerRun = await runAmber(footerArgs, run);
    assert.equal(footerRun.code, 0, describeRun(footerArgs, footerRun));
    const restored = subtree(await snapshotTree(footerTarget), src.slice(1));
    assert.deepEqual(diffTrees(expected.get(pointIds[1] as string) as TreeSnapshot, restored, { metadata: false }), []);
  });
  test('a restore whose pack is gone or cut short fails naming the pack, and writes no wrong data', async () => {
    const pack = objects.filter((o) => o.kind === 'pack').sort((a, b) => b.sizeBytes - a.sizeBytes)[0] as StoredObject;
    const cases = [
      { name: 'gone', code: 'NOT_FOUND', damage: (file: string) => unlink(file) },
      { name: 'cut short', code: 'STORAGE_ERROR', damage: (file: string) => truncate(file, 1024) },
    ];
    for (const { name, code, damage } of cases) {
      const copy = path.join(base, 'copies', `pack-${name.replace(' ', '-')}`);
      await copyVault(vault, copy);
      const file = path.join(copy, pack.key);
      await chmod(file, 0o644);
      await damage(file);
      const target = path.join(base, `cli-restore-pack-${name.replace(' ', '-')}`);
      const args = ['restore', '--vault', copy, 'latest', '--target', target];
      const result = await runAmber(args, run);
      assert.equal(result.code, 1, describeRun(args, result));
      assert.match(result.stderr, new RegExp(`${pack.id}.*\\[${code}\\]`), describeRun(args, result));
      assert.deepEqual(stackLines(result.stderr), []);
      // What was restored before the failure is exactly the source's; the file that failed is not left half-written.
      const partial = subtree(await snapshotTree(target), src.slice(1));
      const problems = diffTrees(expected.get(pointIds[1] as string) as TreeSnapshot, partial, { metadata: false });
      assert.deepEqual(
        problems.filter((p) => !p.startsWith('missing: ')),
        [],
        `wrong data restored with a pack ${name}`,
      );
    }
  });
});
