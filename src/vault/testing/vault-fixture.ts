import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../../core/clock.js';
import { isAmberError } from '../../core/errors.js';
import { FakeClock } from '../../core/testing/fake-clock.js';
import type { PointRow } from '../../catalog/point-row.js';
import type { StoredAuditEvent } from '../../catalog/audit-event.js';
import { makeTempRoot, removeTempRoot } from '../../storage/testing/temp-root.js';
import { EmbeddedVault } from '../embedded-vault.js';

export const PASSPHRASE = 'pw';
/** A cheap KDF: tests open many vaults. */
export const TEST_KDF = { logN: 10, r: 8, p: 1 } as const;

/** One vault in a temp dir, opened in-process with a FakeClock the local store enforces locks by. */
export interface TestVault {
  readonly base: string;
  readonly dir: string;
  readonly cacheDir: string;
  readonly clock: FakeClock;
  vault: EmbeddedVault;
  /** Closes and opens the vault again (a new process would do the same). */
  reopen(): Promise<EmbeddedVault>;
  /** Closes the vault and removes every file (immutable ones included). */
  dispose(): Promise<void>;
}

export async function makeTestVault(label: string, clock?: FakeClock): Promise<TestVault> {
  const base = await makeTempRoot(`vault-${label}`);
  const dir = path.join(base, 'vault');
  const cacheDir = path.join(base, 'cache');
  // A little after real time: the store refuses locks whose end is already past by its own clock.
  const fake = clock ?? new FakeClock(systemClock.nowMs() + 10_000);
  await EmbeddedVault.init(dir, { clock: fake, passphrase: PASSPHRASE, kdf: TEST_KDF });
  const open = (): Promise<EmbeddedVault> =>
    EmbeddedVault.open({
      dir,
      clock: fake,
      cacheDir,
      passphrase: () => Promise.resolve(PASSPHRASE),
      minCoolingOffMs: 0,
      workerCount: 1,
    });
  const fixture: TestVault = {
    base,
    dir,
    cacheDir,
    clock: fake,
    vault: await open(),
    async reopen() {
      await fixture.vault.close();
      fixture.vault = await open();
      return fixture.vault;
    },
    async dispose() {
      await fixture.vault.close().catch(() => undefined);
      await removeTempRoot(base);
    },
  };
  return fixture;
}

/** Files of a source tree: relative path → content. */
export type FileContents = Readonly<Record<string, string | Buffer>>;

/**
 * Makes `dir` hold exactly `files` (plus their directories). Each file is written to a new inode
 * (temp + rename), so the files cache can never mistake a changed file for an unchanged one.
 */
export async function writeSourceTree(dir: string, files: FileContents): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(dir, relative);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(`${full}.new`, content);
    await rename(`${full}.new`, full);
  }
}

/** Every entry below root: relative path → 'dir', 'link:<target>' or the sha256 of the file's bytes. */
export async function snapshotContents(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    const full = path.join(root, relative);
    const stat = await lstat(full);
    if (stat.isDirectory()) {
      if (relative !== '') out.set(relative, 'dir');
      for (const name of (await readdir(full)).sort()) await visit(relative === '' ? name : `${relative}/${name}`);
    } else if (stat.isSymbolicLink()) {
      out.set(relative, `link:${await readlink(full)}`);
    } else {
      out.set(
        relative,
        createHash('sha256')
          .update(await readFile(full))
          .digest('hex'),
      );
    }
  };
  await visit('');
  return out;
}

/** The expected snapshot of a source tree written by writeSourceTree. */
export function expectedContents(files: FileContents): Map<string, string> {
  const out = new Map<string, string>();
  for (const [relative, content] of Object.entries(files)) {
    const parts = relative.split('/');
    for (let i = 1; i < parts.length; i++) out.set(parts.slice(0, i).join('/'), 'dir');
    out.set(relative, createHash('sha256').update(content).digest('hex'));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

let restoreCount = 0;

/**
 * Restores a point into a new directory under `scratch` and returns the snapshot of the source
 * directory `sourceDir` as restored (a restore puts the point's absolute paths under the target).
 */
export async function restoredContents(
  vault: EmbeddedVault,
  pointId: string,
  sourceDir: string,
  scratch: string,
): Promise<Map<string, string>> {
  const target = path.join(scratch, `restore-${++restoreCount}`);
  await vault.restore({ ref: pointId, target, includes: [] });
  const restoredRoot = path.join(target, path.resolve(sourceDir));
  const snapshot = await snapshotContents(restoredRoot);
  await rm(target, { recursive: true, force: true });
  return snapshot;
}

/** Asserts that the point restores to exactly `expected`. */
export async function assertRestores(
  vault: EmbeddedVault,
  pointId: string,
  sourceDir: string,
  scratch: string,
  expected: ReadonlyMap<string, string>,
  label = '',
): Promise<void> {
  const got = await restoredContents(vault, pointId, sourceDir, scratch);
  assert.deepEqual(
    [...got].sort(),
    [...expected].sort(),
    `point ${pointId.slice(0, 12)} ${label} restores to its source`,
  );
}

/** Asserts that `work` fails with the AmberError `code` and returns it. */
export async function rejectsWithCode(
  work: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${code}, but the operation succeeded`);
  assert.ok(
    isAmberError(caught),
    `expected the AmberError ${code}, got ${caught instanceof Error ? caught.message : JSON.stringify(caught)}`,
  );
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  if (message !== undefined) assert.match(caught.message, message);
  return { code: caught.code, message: caught.message, details: { ...caught.details } };
}

/** The audit events recorded after `afterSeq`. */
export async function auditSince(vault: EmbeddedVault, afterSeq: number): Promise<StoredAuditEvent[]> {
  return vault.listAudit({ afterSeq });
}

/** The sequence number of the newest audit event (0 when none). */
export async function lastAuditSeq(vault: EmbeddedVault): Promise<number> {
  const events = await vault.listAudit();
  return events.at(-1)?.seq ?? 0;
}

/** Finds a point row by id, failing when the vault does not list it. */
export async function pointById(vault: EmbeddedVault, id: string): Promise<PointRow> {
  const row = (await vault.listPoints()).find((p) => p.id === id);
  assert.ok(row !== undefined, `point ${id.slice(0, 12)} is listed`);
  return row;
}

export { removeTempRoot };
