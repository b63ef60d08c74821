/**
 * Immutable vaults through the `amber` CLI (separate processes, real clock, AMBER_MIN_COOLING_OFF=0s):
 * refusals exit 10 with a sentence that names the date, approvals 12, confirmations 2; the lock
 * with its cooling-off and cancel; JSON views of the vault, points, maintenance and audit trail; and
 * GFS tags of two backups on the same day.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR, parseIso } from '../core/clock.js';
import {
  amberJson,
  amberOk,
  describeRun,
  runAmber,
  stackLines,
  type AmberRunOptions,
  type CliRun,
} from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { snapshotTree, subtree, diffTrees } from './testing/tree-snapshot.js';

interface VaultJson {
  state: string;
  storageLockMode: string;
  lockRequestedAt?: string;
  lockEffectiveAt?: string;
}

interface PointJson {
  id: string;
  createdAt: string;
  retainUntil: string;
  lockMode: string;
  legalHold: boolean;
  tags: string[];
}

interface AuditJson {
  action: string;
  target: string;
  outcome: string;
  code?: string;
  message: string;
}

/** Asserts exit code, the `amber: <sentence>. [CODE]` line, and no stack trace; returns stderr. */
function assertRefused(args: readonly string[], run: CliRun, exitCode: number, code: string): string {
  const account = describeRun(args, run);
  assert.equal(run.code, exitCode, account);
  assert.match(run.stderr, new RegExp(`^amber: .+\\. \\[${code}\\]$`, 'm'), account);
  assert.deepEqual(stackLines(run.stderr), [], account);
  return run.stderr;
}

describe('amber CLI: immutable vaults', () => {
  let base: string;
  let vault: string;
  let src: string;
  let run: AmberRunOptions;
  let pointId: string;
  let point: PointJson;

  const amber = (...args: string[]): Promise<CliRun> => runAmber([...args, '--vault', vault], run);
  const json = <T>(...args: string[]): Promise<T> => amberJson<T>([...args, '--vault', vault, '--json'], run);
  const refused = async (exitCode: number, code: string, ...args: string[]): Promise<string> =>
    assertRefused(args, await amber(...args), exitCode, code);
  const deleteRefused = async (exitCode: number, code: string, ...args: string[]): Promise<string> =>
    refused(exitCode, code, 'points', 'delete', ...args);

  before(async () => {
    base = await makeTempDir('immutability');
    vault = path.join(base, 'vault');
    src = path.join(base, 'src');
    await mkdir(path.join(src, 'docs'), { recursive: true });
    await writeFile(path.join(src, 'docs', 'a.txt'), 'alpha\n');
    await writeFile(path.join(src, 'b.bin'), Buffer.alloc(100_000, 9));
    run = {
      env: {
        AMBER_PASSWORD: 'immutable passphrase',
        AMBER_CACHE_DIR: path.join(base, 'cache'),
        AMBER_MIN_COOLING_OFF: '0s',
        AMBER_VAULT: undefined,
      },
    };
    await amberOk(['init', vault], run);
    await amberOk(['policy', 'create', 'p30', '--keep', '30', '--vault', vault], run);
    await amberOk(['item', 'add', 'docs', '--policy', 'p30', '--path', src, '--vault', vault], run);
    const backup = await amberOk(['backup', '--item', 'docs', '--vault', vault], run);
    pointId = backup.stdout.trim();
    const enabled = await json<VaultJson>('vault', 'immutability', 'enable');
    assert.equal(enabled.state, 'enabled');
    assert.equal(enabled.storageLockMode, 'governance');
    point = (await json<PointJson[]>('points'))[0] as PointJson;
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('deleting a retained point is refused with exit 10, and the sentence names the date', async () => {
    assert.equal(point.id, pointId);
    assert.equal(point.lockMode, 'governance');
    const stderr = await deleteRefused(10, 'RETENTION_ACTIVE', pointId);
    assert.ok(stderr.includes(point.retainUntil), `names ${point.retainUntil}: ${stderr}`);
  });

  test('deleting with --bypass-governance needs an approval: exit 12', async () => {
    await deleteRefused(12, 'APPROVAL_REQUIRED', pointId.slice(0, 12), '--bypass-governance');
  });

  test('a legal hold blocks deletion: exit 10, until released', async () => {
    await amberOk(['hold', 'set', pointId, '--reason', 'case 7', '--vault', vault], run);
    assert.equal((await json<PointJson[]>('points'))[0]?.legalHold, true);
    await deleteRefused(10, 'LEGAL_HOLD_ACTIVE', pointId, '--bypass-governance');
    await amberOk(['hold', 'release', pointId, '--vault', vault], run);
    assert.equal((await json<PointJson[]>('points'))[0]?.legalHold, false);
  });

  test('reducing policy retention, stopping with data deletion and lowering guardrails are refused: exit 10', async () => {
    await refused(10, 'RETENTION_REDUCTION_BLOCKED', 'policy', 'update', 'p30', '--keep', '7');
    await amberOk(['policy', 'update', 'p30', '--keep', '31', '--vault', vault], run);
    await refused(10, 'UNEXPIRED_POINTS_EXIST', 'item', 'stop', 'docs', '--delete-data');
    await amberOk(['vault', 'set', '--min-retention', '10', '--vault', vault], run);
    await refused(10, 'RETENTION_REDUCTION_BLOCKED', 'vault', 'set', '--min-retention', 'none');
    await refused(10, 'RETENTION_REDUCTION_BLOCKED', 'vault', 'set', '--max-retention', '20');
  });

  test('maintenance --dry-run --json reports and changes nothing', async () => {
    const report = await json<{ dryRun: boolean; expiredPoints: string[]; lockTookEffect: boolean }>(
      'maintenance',
      'run',
      '--dry-run',
    );
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.expiredPoints, []);
    assert.equal(report.lockTookEffect, false);
    assert.equal((await json<PointJson[]>('points')).length, 1);
  });

  test('locking with no cooling-off and no --yes is a usage error: exit 2', async () => {
    await refused(2, 'CONFIRMATION_REQUIRED', 'vault', 'immutability', 'lock', '--cooling-off', '0s');
    assert.equal((await json<VaultJson>('vault', 'show')).state, 'enabled');
  });

  test('a lock with a cooling-off shows `locking` and can be cancelled', async () => {
    const locking = await json<VaultJson>('vault', 'immutability', 'lock', '--cooling-off', '1h');
    assert.equal(locking.state, 'locking');
    const shown = await json<VaultJson>('vault', 'show');
    assert.equal(shown.state, 'locking');
    assert.equal(shown.storageLockMode, 'governance');
    const requested = parseIso(shown.lockRequestedAt ?? '') ?? NaN;
    assert.equal((parseIso(shown.lockEffectiveAt ?? '') ?? NaN) - requested, MS_PER_HOUR);
    const text = await amberOk(['vault', 'show', '--vault', vault], run);
    assert.match(text.stdout, /immutability: +locking \(locked from .+; cancellable until then\)/);
    await refused(10, 'VAULT_LOCKED', 'vault', 'immutability', 'disable');
    assert.equal((await json<VaultJson>('vault', 'immutability', 'cancel-lock')).state, 'enabled');
  });

  test('after the lock, disable and bypass are refused (exit 10) and points show compliance', async () => {
    const locked = await json<VaultJson>('vault', 'immutability', 'lock', '--cooling-off', '0s', '--yes');
    assert.equal(locked.state, 'locked');
    assert.equal(locked.storageLockMode, 'compliance');
    await refused(10, 'VAULT_LOCKED', 'vault', 'immutability', 'disable');
    await refused(10, 'VAULT_LOCKED', 'vault', 'immutability', 'cancel-lock');
    const stderr = await deleteRefused(10, 'RETENTION_ACTIVE', pointId, '--bypass-governance');
    assert.match(stderr, /locked \(compliance mode\)/);
    const points = await json<PointJson[]>('points');
    assert.equal(points[0]?.lockMode, 'compliance');
    assert.ok(parseIso(points[0]?.retainUntil ?? '')! >= parseIso(point.createdAt)! + 31 * MS_PER_DAY, 'extended');
    const shown = await json<VaultJson>('vault', 'show');
    assert.deepEqual([shown.state, shown.storageLockMode], ['locked', 'compliance']);
    const target = path.join(base, 'restore');
    await amberOk(['restore', pointId, '--target', target, '--vault', vault], run);
    const restored = subtree(await snapshotTree(target), src.slice(1));
    assert.deepEqual(diffTrees(await snapshotTree(src), restored), []);
  });

  test('points delete takes --vault like every other command', async () => {
    // `points` (the list) declares --vault itself; the subcommand must still see it.
    await refused(10, 'RETENTION_ACTIVE', 'points', 'delete', pointId);
  });

  test('audit list --json holds every refusal with its code', async () => {
    const events = await json<AuditJson[]>('audit', 'list');
    const refusals = events.filter((e) => e.outcome === 'refused').map((e) => `${e.action} ${e.code ?? ''}`);
    for (const expected of [
      'point.delete RETENTION_ACTIVE',
      'point.delete APPROVAL_REQUIRED',
      'point.delete LEGAL_HOLD_ACTIVE',
      'policy.update RETENTION_REDUCTION_BLOCKED',
      'item.stop UNEXPIRED_POINTS_EXIST',
      'vault.set RETENTION_REDUCTION_BLOCKED',
      'immutability.disable VAULT_LOCKED',
      'immutability.cancel_lock VAULT_LOCKED',
    ]) {
      assert.ok(refusals.includes(expected), `${expected} is in the audit trail: ${refusals.join(', ')}`);
    }
    const deleted = events.find((e) => e.code === 'RETENTION_ACTIVE');
    assert.ok(deleted?.message.includes(point.retainUntil));
    assert.ok(events.some((e) => e.action === 'immutability.locked' && e.outcome === 'ok'));
  });
});

describe('amber CLI: GFS tags', () => {
  let base: string;
  let run: AmberRunOptions;

  before(async () => {
    base = await makeTempDir('gfs');
    run = {
      env: { AMBER_PASSWORD: 'gfs', AMBER_CACHE_DIR: path.join(base, 'cache'), AMBER_VAULT: path.join(base, 'vault') },
    };
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('the first backup of the day earns daily, weekly and monthly tags and outlives the second', async (t) => {
    const src = path.join(base, 'src');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, 'f.txt'), 'gfs\n');
    await amberOk(['init', path.join(base, 'vault')], run);
    await amberOk(['policy', 'create', 'gfs', '--daily', '7', '--weekly', '4', '--monthly', '12'], run);
    await amberOk(['item', 'add', 'home', '--policy', 'gfs', '--path', src], run);
    await amberOk(['backup', '--item', 'home'], run);
    await writeFile(path.join(src, 'g.txt'), 'second\n');
    await amberOk(['backup', '--item', 'home'], run);
    const points = (await amberJson<PointJson[]>(['points', '--json'], run)).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    const [first, second] = points as [PointJson, PointJson];
    assert.deepEqual(first.tags, ['daily', 'weekly', 'monthly']);
    const created = parseIso(first.createdAt) ?? NaN;
    const until = parseIso(first.retainUntil) ?? NaN;
    assert.ok(until - created >= 365 * MS_PER_DAY, `kept 12 months: ${first.retainUntil}`);
    if (first.createdAt.slice(0, 10) !== second.createdAt.slice(0, 10)) {
      t.diagnostic('the two backups straddled midnight (UTC): the second is the first of its day');
      return;
    }
    assert.deepEqual(second.tags, [], 'the second backup of the day earns no tag');
    assert.equal(parseIso(second.retainUntil), (parseIso(second.createdAt) ?? NaN) + 7 * MS_PER_DAY, 'kept 7 days');
    assert.ok((parseIso(first.retainUntil) ?? 0) > (parseIso(second.retainUntil) ?? Infinity));
  });
});
