import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { createKeystream, createRng, type Rng } from '../bench/prng.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import {
  amberJson,
  amberOk,
  collect,
  describeRun,
  startAmber,
  type AmberRunOptions,
  type CliRun,
} from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { buildCrashTree, MIB, seededText } from './testing/source-trees.js';
import { testSeed } from './testing/test-seed.js';
import { diffTrees, snapshotTree, strayEntries, subtree, type TreeSnapshot } from './testing/tree-snapshot.js';

const ROUNDS = 6;
const PASSPHRASE = 'crash passphrase';
const SMALL_FILES = { count: 1200, dirs: 30 };
const BIG_FILES_MIB = [14, 12, 12, 11];

interface BackupJson {
  id: string;
}

describe('kill -9 during backups', () => {
  const seed = testSeed();
  const rng: Rng = createRng(seed, 'crash-delays');
  let base: string;
  let src: string;
  let vault: string;
  let run: AmberRunOptions;
  let fullBackupMs: number;
  /** What each point must restore to: the source as it was while that point was made. */
  const expected = new Map<string, TreeSnapshot>();
  const restored = new Set<string>();
  let restores = 0;

  const restorePoint = async (id: string): Promise<void> => {
    const target = path.join(base, 'restores', `r${++restores}`);
    await amberOk(['restore', '--vault', vault, id, '--target', target], run);
    const all = await snapshotTree(target);
    assert.deepEqual(strayEntries(all, src.slice(1)), [], `point ${id}`);
    const problems = diffTrees(expected.get(id) as TreeSnapshot, subtree(all, src.slice(1)), { metadata: false });
    assert.deepEqual(problems, [], `point ${id} did not restore bit-exactly`);
    await removeTree(target);
    restored.add(id);
  };

  /** Rewrites two big files and a few dozen small ones: the next backup has ~25 MiB of new data to store. */
  const mutateSource = async (round: number): Promise<void> => {
    for (const big of [round % BIG_FILES_MIB.length, (round + 1) % BIG_FILES_MIB.length]) {
      const sizeBytes = (BIG_FILES_MIB[big] ?? 1) * MIB;
      await writeFile(path.join(src, `big-${big}.bin`), createKeystream(seed, `round-${round}-${big}`)(sizeBytes));
    }
    const words = createRng(seed, 'mutate', round);
    for (let i = 0; i < 30; i++) {
      const n = words.below(SMALL_FILES.count);
      await writeFile(
        path.join(src, `d${n % SMALL_FILES.dirs}`, `f${n}.dat`),
        seededText(words, words.between(100, 20_000)),
      );
    }
  };

  before(async () => {
    base = await makeTempDir('crash');
    src = path.join(base, 'src');
    vault = path.join(base, 'vault');
    await mkdir(src);
    await mkdir(path.join(base, 'restores'));
    await buildCrashTree(src, seed, SMALL_FILES, BIG_FILES_MIB);
    run = { env: { AMBER_PASSWORD: PASSPHRASE, AMBER_CACHE_DIR: path.join(base, 'cache'), AMBER_VAULT: undefined } };
    // A cheap passphrase KDF (the envelope records its cost): every command below saves ~0.3 s.
    await EmbeddedVault.init(vault, { clock: systemClock, passphrase: PASSPHRASE, kdf: { logN: 10, r: 8, p: 1 } });
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('a first full backup restores bit-exactly (and times a full backup)', async (t) => {
    t.diagnostic(`seed ${seed} (AMBER_E2E_SEED=${seed} repeats the kill delays and contents)`);
    const snapshot = await snapshotTree(src);
    const startedMs = systemClock.monotonicMs();
    const first = await amberJson<BackupJson>(['backup', '--vault', vault, '--json', src], run);
    fullBackupMs = systemClock.monotonicMs() - startedMs;
    t.diagnostic(`a full backup of ${snapshot.size} entries took ${Math.round(fullBackupMs)} ms`);
    expected.set(first.id, snapshot);
    await restorePoint(first.id);
  });

  for (let round = 1; round <= ROUNDS; round++) {
    test(`after kill -9 number ${round}, verify is clean, a backup succeeds and every point restores exactly`, async (t) => {
      assert.ok(fullBackupMs !== undefined, 'the first backup did not run');
      await mutateSource(round);
      const snapshot = await snapshotTree(src);
      const delayMs = rng.between(100, Math.max(101, Math.round(fullBackupMs)));
      // A fresh files cache makes the doomed backup read (and store) everything it has not stored yet.
      const child = startAmber(['backup', '--vault', vault, '--json', src], {
        env: { ...run.env, AMBER_CACHE_DIR: path.join(base, `doomed-cache-${round}`) },
      });
      const finished = collect(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      const killed: CliRun = await finished;
      clearTimeout(timer);
      const leftovers = await readdir(path.join(vault, '.tmp')).catch(() => []);
      t.diagnostic(
        `killed after ${delayMs} ms: ${killed.signal ?? `exited ${String(killed.code)} first`}; ${leftovers.length} files left in .tmp`,
      );
      assert.ok(killed.signal === 'SIGKILL' || killed.code === 0, describeRun(['backup (killed)'], killed));

      const report = await amberJson<{ problems: unknown[]; unreferencedPacks: number }>(
        ['verify', '--vault', vault, '--read-data', '--json'],
        run,
      );
      assert.deepEqual(report.problems, []);
      t.diagnostic(`verify: clean, ${report.unreferencedPacks} unreferenced packs so far`);
      const next = await amberJson<BackupJson>(['backup', '--vault', vault, '--json', src], run);
      expected.set(next.id, snapshot);
      const points = await amberJson<{ id: string }[]>(['points', '--vault', vault, '--json'], run);
      // A backup killed after its manifest was stored made a point of this round's source.
      for (const p of points) if (!expected.has(p.id)) expected.set(p.id, snapshot);
      assert.ok(points.some((p) => p.id === next.id));
      assert.equal(points.length, expected.size, 'a point vanished');
      for (const p of points) if (!restored.has(p.id)) await restorePoint(p.id);
    });
  }

  test('after every kill the oldest point still restores exactly, and leftovers do not stop a catalog rebuild', async (t) => {
    const points = await amberJson<{ id: string; createdAt: string }[]>(['points', '--vault', vault, '--json'], run);
    const oldest = [...points].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    assert.ok(oldest !== undefined);
    await restorePoint(oldest.id);
    const leftovers = await readdir(path.join(vault, '.tmp')).catch(() => []);
    t.diagnostic(`${leftovers.length} files left in .tmp; ${points.length} points`);
    const rebuilt = await amberJson<{ points: number }>(['catalog', 'rebuild', '--vault', vault, '--json'], run);
    assert.equal(rebuilt.points, points.length);
  });
});
