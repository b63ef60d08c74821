import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MS_PER_DAY, systemClock, toIso, type Clock } from '../core/clock.js';
import { errorKind } from '../core/error-catalog.js';
import { AmberError, isAmberError } from '../core/errors.js';
import { s3ConfigFromEnv, type S3StoreConfig } from '../storage/s3-config.js';
import { S3Store } from '../storage/s3-store.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import { s3VaultLocation, type VaultLocation } from '../vault/vault-location.js';
import { copyTree, formatBytes, prepareSource, removeTree } from './bench-source.js';
import { mutateCorpus } from './mutate-corpus.js';
import { loadCephEnv } from './s3-bench-env.js';
import { parseS3BenchOptions, S3_BENCH_USAGE, type S3BenchOptions } from './s3-bench-options.js';
import { classifyRequests, renderPerGbTable, renderStepTable, type StepResult } from './s3-bench-report.js';
import { diffTrees } from './tree-diff.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const PASSPHRASE = 'amber s3 bench';

/** The bench's view of the vault's clock: real time plus simulated days (incrementals on later days). */
class ShiftedClock implements Clock {
  offsetMs = 0;
  nowMs(): number {
    return systemClock.nowMs() + this.offsetMs;
  }
  monotonicMs(): number {
    return systemClock.monotonicMs();
  }
}

/** The vault's location, with the store it opens kept, so the bench can read its request counts. */
function countedLocation(
  config: S3StoreConfig,
  clock: Clock,
  stateRoot: string,
): { location: VaultLocation; store: () => S3Store } {
  let current: S3Store | undefined;
  const base = s3VaultLocation(config, clock, stateRoot);
  const location: VaultLocation = {
    ...base,
    openExisting: () => {
      current = new S3Store(config, clock);
      return Promise.resolve(current);
    },
  };
  return {
    location,
    store: () => {
      if (current === undefined) throw new AmberError('INTERNAL', 'The bench vault is not open.');
      return current;
    },
  };
}

interface Session {
  readonly vault: EmbeddedVault;
  readonly store: () => S3Store;
  readonly clock: ShiftedClock;
}

/** Runs one step, counting the S3 requests it sends. */
async function measure(
  session: Session,
  label: string,
  dataBytes: number,
  work: () => Promise<number>,
): Promise<StepResult> {
  const counts = session.store().requestCounts;
  counts.clear();
  const startMs = systemClock.monotonicMs();
  const addedBytes = await work();
  const durationMs = systemClock.monotonicMs() - startMs;
  const lockExtensions = counts.get('PutObjectRetentionCommand') ?? 0;
  const step = { label, durationMs, dataBytes, addedBytes, requests: classifyRequests(counts), lockExtensions };
  log(`${label}: ${(durationMs / 1000).toFixed(2)} s, ${JSON.stringify(Object.fromEntries(counts))}`);
  return step;
}

/** Backup, restore (checked bit-exact), incrementals on later days, a legal hold round and maintenance. */
async function runSteps(
  session: Session,
  options: S3BenchOptions,
  src: string,
  sizeBytes: number,
): Promise<StepResult[]> {
  const { vault, clock } = session;
  const backup = async (): Promise<number> =>
    (await vault.backup({ item: 'corpus', paths: [], retainDays: 0, hostname: 'bench' })).stats.addedStoredBytes;
  const steps = [await measure(session, 'full backup', sizeBytes, backup)];
  const target = path.join(options.workDir, 's3', 'restore');
  removeTree(target);
  steps.push(
    await measure(session, 'full restore', sizeBytes, async () => {
      await vault.restore({ ref: 'latest', target, includes: [] });
      return 0;
    }),
  );
  const diff = diffTrees(src, path.join(target, src));
  if (!diff.identical) {
    throw new AmberError('INTERNAL', `The restore differs from the source: ${diff.differences.join('; ')}`);
  }
  removeTree(target);
  for (let day = 1; day <= options.incrementals; day++) {
    mutateCorpus(src, { seed: options.seed, day, pct: options.changePct });
    clock.offsetMs = day * options.daysBetween * MS_PER_DAY;
    const label = `incremental ${day} (day +${day * options.daysBetween})`;
    steps.push(await measure(session, label, 0, backup));
  }
  steps.push(
    await measure(session, 'legal hold set + release', 0, async () => {
      await vault.setLegalHold('latest', 'bench');
      await vault.releaseLegalHold('latest');
      return 0;
    }),
  );
  steps.push(
    await measure(session, 'maintenance', 0, async () => {
      await vault.runMaintenance({ dryRun: false });
      return 0;
    }),
  );
  return steps;
}

/** `npm run bench:s3 -- [options]`: Amber backing up into a Ceph RGW vault with immutability enabled. */
export async function main(argv: readonly string[]): Promise<number> {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const options = parseS3BenchOptions(argv, { workDir: path.join(repoRoot, '.bench'), cwd: process.cwd() });
  if (options.help) {
    process.stdout.write(`${S3_BENCH_USAGE}\n`);
    return 0;
  }
  const ceph = loadCephEnv();
  if (typeof ceph === 'string') throw new AmberError('STORAGE_MISCONFIGURED', ceph);
  mkdirSync(options.workDir, { recursive: true });
  const workDir = realpathSync(options.workDir);
  const source = prepareSource(
    { sourceDir: null, seed: options.seed, scale: options.scale, workDir },
    systemClock,
    log,
  );
  const src = path.join(workDir, 's3', 'src');
  removeTree(path.join(workDir, 's3'));
  copyTree(source.baseDir, src);

  const prefix = `bench-${randomBytes(6).toString('hex')}/`;
  const config = s3ConfigFromEnv(ceph.vars, { prefix });
  const clock = new ShiftedClock();
  const counted = countedLocation(config, clock, path.join(workDir, 's3', 'state'));
  await EmbeddedVault.init(s3VaultLocation(config, clock, path.join(workDir, 's3', 'state')), {
    clock,
    passphrase: PASSPHRASE,
  });
  const vault = await EmbeddedVault.open({
    location: counted.location,
    clock,
    cacheDir: path.join(workDir, 's3', 'cache'),
    passphrase: () => Promise.resolve(PASSPHRASE),
  });
  let steps: StepResult[];
  try {
    await vault.createPolicy({ name: 'p30', retention: { kind: 'simple', keepDays: 30 } });
    await vault.addItem({ name: 'corpus', policy: 'p30', paths: [src] });
    await vault.enableImmutability();
    steps = await runSteps({ vault, store: counted.store, clock }, { ...options, workDir }, src, source.sizeBytes);
  } finally {
    await vault.close();
  }
  report(
    options,
    { fileCount: source.fileCount, sizeBytes: source.sizeBytes },
    `s3://${config.bucket}/${prefix}`,
    steps,
  );
  return 0;
}

function report(
  options: S3BenchOptions,
  source: { fileCount: number; sizeBytes: number },
  where: string,
  steps: readonly StepResult[],
): void {
  const what = `generated corpus (seed ${options.seed}, scale ${options.scale}): ${source.fileCount} files, ${formatBytes(source.sizeBytes)}`;
  process.stdout.write(
    `\nAmber on Ceph RGW — ${what}; vault ${where} with immutability enabled (governance), policy 30 days, ` +
      `${options.incrementals} incrementals of ${options.changePct} % every ${options.daysBetween} day(s)\n\n` +
      `${renderStepTable(steps)}\n\n${renderPerGbTable(steps)}\n\n` +
      'retention = PutObjectRetention (lock extensions, "lock ext."); HEAD = lock checks and reads of lock state; ' +
      'LIST = ListObjectVersions (write-once checks, version-aware reads); the restore was checked bit-exact.\n',
  );
  if (options.jsonPath !== null) {
    mkdirSync(path.dirname(options.jsonPath), { recursive: true });
    writeFileSync(
      options.jsonPath,
      JSON.stringify({ generatedAt: toIso(systemClock.nowMs()), options, source, vault: where, steps }, null, 2) + '\n',
    );
    log(`results written to ${options.jsonPath}`);
  }
}

async function runAsScript(): Promise<void> {
  // The SDK's nine-line notice that its 2027 releases need Node 22 says nothing about this run.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (isAmberError(error)) {
      log(`bench:s3: ${error.message}`);
      process.exitCode = errorKind(error.code) === 'usage' ? 2 : 1;
    } else {
      log(`bench:s3: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runAsScript();
}
