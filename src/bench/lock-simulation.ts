/**
 * Lock generations, measured (DESIGN.md §3.3): a deterministic model of daily backups of a slowly changing
 * deduplicated corpus, counting the storage lock-extension requests three schemes send and how long they
 * keep objects locked beyond the exact requirement (the latest retainUntil of any point needing them).
 *
 *   node dist/bench/lock-simulation.js [--days 90] [--generation-days 10] [--retain-days 30]
 *
 * Model: the corpus is `packs` × `blobsPerPack` blob slots (16 MiB packs of ~1 MiB chunks). Every day
 * `changePercent` % of the slots, chosen at random, get new content; the new blobs go into new packs and
 * the old packs keep serving their other blobs. Each backup is a point that needs, until its retainUntil
 * (simple policy, `retainDays`, via core's computeRetention): every pack holding a current blob, the
 * index objects describing those packs (one per backup), and the vault header and key envelope. New
 * objects are written with their lock (a put, not counted). Schemes:
 *   (a) naive: every backup extends every object it reuses to its retainUntil;
 *   (b) Amber: extends only when the object's lock ends before the required end, rounding the new end up
 *       to the next generation boundary (core's lockUntilFor); new objects are put with a rounded lock;
 *   (c) maintenance: a daily job extends every live object (needed by an unexpired point) to
 *       now + retainDays + 1 day, so the next day's backups are covered when they commit.
 * Requests are counted over the backup days. Afterwards time runs on (maintenance, no backups) until every
 * requirement lapsed, so each object's final lock is known; over-retention = final lock − requirement.
 * The model runs once per phase of the generation grid (start days startMs + 0…phases−1 days) and the
 * figures are summed, so no calendar accident flatters or penalises a scheme.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import { computeRetention } from '../core/retention/gfs.js';
import { lockExtensionFor, lockUntilFor } from '../core/retention/lock-generation.js';
import { createRng } from './prng.js';

export interface LockSimulationOptions {
  readonly days: number;
  readonly generationDays: number;
  readonly retainDays: number;
  readonly packs: number;
  readonly blobsPerPack: number;
  readonly changePercent: number;
  readonly seed: number;
  /** Midnight UTC of the vault's creation; the first backup runs at 02:00 that day. */
  readonly startMs: number;
  /**
   * The model runs once per start day startMs, startMs + 1 day, … (phases runs) and the figures are summed:
   * where the first full backup falls relative to the generation grid is a calendar accident worth up to
   * ±1 % of the naive count over 90 days; summing one run per phase removes it. Default: generationDays.
   */
  readonly phases: number;
}

export const DEFAULT_LOCK_SIMULATION: LockSimulationOptions = {
  days: 90,
  generationDays: 10,
  retainDays: 30,
  packs: 130,
  blobsPerPack: 16,
  changePercent: 5,
  seed: 1,
  startMs: 1_767_225_600_000, // 2026-01-01T00:00:00Z
  phases: 10,
};

export type LockScheme = 'naive' | 'amber' | 'maintenance';

export interface LockSchemeResult {
  readonly scheme: LockScheme;
  readonly label: string;
  readonly extensionRequests: number;
  /** Times a committed point needed an object whose lock ended before the point's retainUntil (must be 0). */
  readonly uncoveredReferences: number;
  readonly maxOverRetentionDays: number;
  readonly meanOverRetentionDays: number;
  /** Σ over objects of (final lock − requirement), in days. */
  readonly extraObjectDays: number;
}

export interface LockSimulationResult {
  readonly options: LockSimulationOptions;
  /** Backups over all phases (days × phases). */
  readonly backups: number;
  readonly objectsWritten: number;
  readonly meanObjectsPerBackup: number;
  /** Σ over objects of (requirement − creation), in days: what exact locks would hold. */
  readonly requiredObjectDays: number;
  readonly schemes: readonly LockSchemeResult[];
}

interface Scheme {
  readonly scheme: LockScheme;
  readonly label: string;
  /** Lock end of a new object. */
  put(requiredUntil: number): number;
  /** New lock end when a backup reusing the object sends a request, else null. */
  reuse(lockUntil: number, requiredUntil: number): number | null;
  /** New lock end when daily maintenance sends a request for a live object, else null. */
  maintain(lockUntil: number, nowMs: number): number | null;
}

function schemesFor(options: LockSimulationOptions): Scheme[] {
  const generation = { generationDays: options.generationDays };
  const rollingMs = (options.retainDays + 1) * MS_PER_DAY;
  const none = (): null => null;
  return [
    { scheme: 'naive', label: '(a) naive: extend on every reuse', put: (r) => r, reuse: Math.max, maintain: none },
    {
      scheme: 'amber',
      label: `(b) Amber: ${options.generationDays}-day generations`,
      put: (r) => lockUntilFor(r, generation),
      reuse: (lock, r) => lockExtensionFor(lock, r, generation),
      maintain: none,
    },
    {
      scheme: 'maintenance',
      label: '(c) daily maintenance: extend all live',
      put: (r) => r,
      reuse: none,
      maintain: (lock, now) => Math.max(lock, now + rollingMs),
    },
  ];
}

const BACKUP_HOUR_MS = 2 * MS_PER_HOUR;
const MAINTENANCE_HOUR_MS = 3 * MS_PER_HOUR;

interface SimObject {
  readonly createdAt: number;
  requiredUntil: number;
}

interface PhaseRun {
  readonly objects: readonly SimObject[];
  readonly locks: readonly (readonly number[])[];
  readonly requests: readonly number[];
  readonly uncovered: readonly number[];
  readonly referencedTotal: number;
}

/** Runs the model (once per phase, summed); deterministic for given options. */
export function simulateLockGenerations(overrides: Partial<LockSimulationOptions> = {}): LockSimulationResult {
  const options = { ...DEFAULT_LOCK_SIMULATION, ...overrides };
  const schemes = schemesFor(options);
  const runs = Array.from({ length: options.phases }, (_, phase) =>
    simulatePhase(options, schemes, options.startMs + phase * MS_PER_DAY),
  );
  const objects = runs.flatMap((run) => run.objects);
  const backups = options.days * options.phases;
  return {
    options,
    backups,
    objectsWritten: objects.length / options.phases,
    meanObjectsPerBackup: runs.reduce((sum, run) => sum + run.referencedTotal, 0) / backups,
    requiredObjectDays: objects.reduce((sum, o) => sum + (o.requiredUntil - o.createdAt) / MS_PER_DAY, 0),
    schemes: schemes.map((scheme, s) => ({
      scheme: scheme.scheme,
      label: scheme.label,
      extensionRequests: runs.reduce((sum, run) => sum + (run.requests[s] ?? 0), 0),
      uncoveredReferences: runs.reduce((sum, run) => sum + (run.uncovered[s] ?? 0), 0),
      ...overRetention(runs.flatMap((run) => run.objects.map((o, id) => ({ o, lockUntil: run.locks[s]?.[id] })))),
    })),
  };
}

function simulatePhase(options: LockSimulationOptions, schemes: readonly Scheme[], startMs: number): PhaseRun {
  const rng = createRng('lock-simulation', options.seed);
  const policy = { kind: 'simple', keepDays: options.retainDays } as const;
  const objects: SimObject[] = [];
  const locks: number[][] = schemes.map(() => []);
  const requests = schemes.map(() => 0);
  const uncovered = schemes.map(() => 0);
  const corpus: Corpus = {
    slotPack: new Int32Array(options.packs * options.blobsPerPack).fill(-1),
    livePerPack: new Map(),
    indexOfPack: new Map(),
    blobsPerPack: options.blobsPerPack,
  };
  const createdAts: number[] = [];
  let referencedTotal = 0;
  const addObject = (createdAt: number): number => objects.push({ createdAt, requiredUntil: createdAt }) - 1;
  const headerAndKey = [addObject(startMs), addObject(startMs)];
  for (let day = 0; day < options.days; day++) {
    const createdAt = startMs + day * MS_PER_DAY + BACKUP_HOUR_MS;
    const retainUntil = computeRetention({
      policy,
      createdAt,
      timeZone: 'UTC',
      previousPointsCreatedAt: createdAts,
    }).retainUntil;
    createdAts.push(createdAt);
    const slotCount = corpus.slotPack.length;
    const changed = day === 0 ? [...corpus.slotPack.keys()] : pickDistinct(rng, slotCount, changedSlots(options));
    writeNewBlobs(changed, corpus, () => addObject(createdAt));
    const referenced = [...headerAndKey, ...referencedPacksAndIndexes(corpus)];
    referencedTotal += referenced.length;
    for (const id of referenced) {
      const object = objects[id] as SimObject;
      object.requiredUntil = Math.max(object.requiredUntil, retainUntil);
      schemes.forEach((scheme, s) => {
        const schemeLocks = locks[s] as number[];
        const current = schemeLocks[id];
        const next = current === undefined ? scheme.put(retainUntil) : scheme.reuse(current, retainUntil);
        if (current !== undefined && next !== null) requests[s] = (requests[s] ?? 0) + 1;
        if (next !== null) schemeLocks[id] = next;
        if ((schemeLocks[id] ?? 0) < retainUntil) uncovered[s] = (uncovered[s] ?? 0) + 1;
      });
    }
    runMaintenance(startMs + day * MS_PER_DAY + MAINTENANCE_HOUR_MS, objects, schemes, locks, requests);
  }
  const lastRequiredUntil = Math.max(...objects.map((o) => o.requiredUntil));
  for (let day = options.days; startMs + day * MS_PER_DAY <= lastRequiredUntil; day++) {
    runMaintenance(startMs + day * MS_PER_DAY + MAINTENANCE_HOUR_MS, objects, schemes, locks, null);
  }
  return { objects, locks, requests, uncovered, referencedTotal };
}

function changedSlots(options: LockSimulationOptions): number {
  return Math.round((options.packs * options.blobsPerPack * options.changePercent) / 100);
}

interface Corpus {
  readonly slotPack: Int32Array;
  readonly livePerPack: Map<number, number>;
  readonly indexOfPack: Map<number, number>;
  readonly blobsPerPack: number;
}

/** Moves each changed slot's blob into new packs (filled in order) described by one new index object. */
function writeNewBlobs(changed: readonly number[], corpus: Corpus, addObject: () => number): void {
  if (changed.length === 0) return;
  const indexId = addObject();
  let packId = -1;
  changed.forEach((slot, i) => {
    if (i % corpus.blobsPerPack === 0) {
      packId = addObject();
      corpus.indexOfPack.set(packId, indexId);
    }
    const oldPack = corpus.slotPack[slot] ?? -1;
    const oldLive = corpus.livePerPack.get(oldPack);
    if (oldLive !== undefined) {
      if (oldLive <= 1) corpus.livePerPack.delete(oldPack);
      else corpus.livePerPack.set(oldPack, oldLive - 1);
    }
    corpus.slotPack[slot] = packId;
    corpus.livePerPack.set(packId, (corpus.livePerPack.get(packId) ?? 0) + 1);
  });
}

/** Every pack holding a current blob, and the index objects describing them. */
function referencedPacksAndIndexes(corpus: Corpus): number[] {
  const indexes = new Set<number>();
  for (const packId of corpus.livePerPack.keys()) indexes.add(corpus.indexOfPack.get(packId) ?? -1);
  return [...corpus.livePerPack.keys(), ...indexes];
}

function runMaintenance(
  nowMs: number,
  objects: readonly SimObject[],
  schemes: readonly Scheme[],
  locks: number[][],
  requests: number[] | null,
): void {
  objects.forEach((object, id) => {
    if (object.requiredUntil <= nowMs) return;
    schemes.forEach((scheme, s) => {
      const schemeLocks = locks[s] as number[];
      const current = schemeLocks[id];
      const next = current === undefined ? null : scheme.maintain(current, nowMs);
      if (next === null) return;
      schemeLocks[id] = next;
      if (requests !== null) requests[s] = (requests[s] ?? 0) + 1;
    });
  });
}

function overRetention(entries: readonly { readonly o: SimObject; readonly lockUntil: number | undefined }[]) {
  let maxDays = 0;
  let sumDays = 0;
  for (const { o, lockUntil } of entries) {
    const overDays = Math.max(0, (lockUntil ?? o.requiredUntil) - o.requiredUntil) / MS_PER_DAY;
    maxDays = Math.max(maxDays, overDays);
    sumDays += overDays;
  }
  return {
    maxOverRetentionDays: maxDays,
    meanOverRetentionDays: entries.length === 0 ? 0 : sumDays / entries.length,
    extraObjectDays: sumDays,
  };
}

/** `count` distinct integers from [0, n), by a partial Fisher–Yates shuffle. */
function pickDistinct(rng: ReturnType<typeof createRng>, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const picked: number[] = [];
  for (let i = 0; i < Math.min(count, n); i++) {
    const j = i + rng.below(n - i);
    const chosen = pool[j] as number;
    pool[j] = pool[i] as number;
    pool[i] = chosen;
    picked.push(chosen);
  }
  return picked;
}

/** The figures as a plain-text table (also pasted into docs/retention.md). */
export function renderLockSimulationTable(result: LockSimulationResult): string {
  const o = result.options;
  const naive = result.schemes.find((s) => s.scheme === 'naive')?.extensionRequests ?? 0;
  const header = [
    'scheme',
    'extension requests',
    'per backup',
    'vs naive',
    'max over-retention',
    'mean over-retention',
  ];
  const rows = result.schemes.map((s) => [
    s.label,
    s.extensionRequests.toLocaleString('en-US'),
    (s.extensionRequests / result.backups).toFixed(1),
    naive === 0 ? '—' : `${((100 * s.extensionRequests) / naive).toFixed(1)} %`,
    `${s.maxOverRetentionDays.toFixed(1)} days`,
    `${s.meanOverRetentionDays.toFixed(1)} days (+${((100 * s.extraObjectDays) / result.requiredObjectDays).toFixed(1)} % object-days)`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const uncovered = result.schemes.filter((s) => s.uncoveredReferences > 0).map((s) => s.scheme);
  return [
    `${o.days} daily backups of a ${o.packs}-pack corpus (${o.blobsPerPack} blobs per pack), ${o.changePercent} % of ` +
      `blobs rewritten per day; retain ${o.retainDays} days; seed ${o.seed}`,
    `summed over ${o.phases} runs starting on consecutive days (the phases of the generation grid); per run ` +
      `${result.objectsWritten.toFixed(0)} objects written, ${result.meanObjectsPerBackup.toFixed(1)} needed per backup`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    uncovered.length === 0
      ? 'every point had every object it needs locked until its retainUntil when it committed, in every scheme'
      : `UNCOVERED: ${uncovered.join(', ')} committed points whose objects were locked too briefly`,
  ].join('\n');
}

export const LOCK_SIMULATION_USAGE = `usage: node dist/bench/lock-simulation.js [options]
  --days N             daily backups to simulate (default ${DEFAULT_LOCK_SIMULATION.days})
  --generation-days N  lock generation length in days (default ${DEFAULT_LOCK_SIMULATION.generationDays})
  --retain-days N      retention of each point in days (default ${DEFAULT_LOCK_SIMULATION.retainDays})
  --packs N            packs in the initial corpus (default ${DEFAULT_LOCK_SIMULATION.packs})
  --change-percent P   share of blobs rewritten per day (default ${DEFAULT_LOCK_SIMULATION.changePercent})
  --seed N             random seed (default ${DEFAULT_LOCK_SIMULATION.seed})
  --phases N           runs on consecutive start days, summed (default: generation days, rounded up)
  -h, --help           this text`;

const NUMERIC_FLAGS = {
  days: { key: 'days', min: 1, max: 3660, integer: true },
  'generation-days': { key: 'generationDays', min: 0.001, max: 3660, integer: false },
  'retain-days': { key: 'retainDays', min: 1, max: 36_525, integer: true },
  packs: { key: 'packs', min: 1, max: 100_000, integer: true },
  'change-percent': { key: 'changePercent', min: 0, max: 100, integer: false },
  seed: { key: 'seed', min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  phases: { key: 'phases', min: 1, max: 366, integer: true },
} as const;

/** Parses the command line into options (or `help`); a mistake is a USAGE or INVALID_ARGUMENT error. */
export function parseLockSimulationArgs(argv: readonly string[]): Partial<LockSimulationOptions> | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    const flags = Object.fromEntries(Object.keys(NUMERIC_FLAGS).map((name) => [name, { type: 'string' as const }]));
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new AmberError('USAGE', `${(error as Error).message}\n${LOCK_SIMULATION_USAGE}`, { cause: error });
  }
  if (values.help === true) return 'help';
  const options: { -readonly [K in keyof LockSimulationOptions]?: number } = {};
  for (const [name, rule] of Object.entries(NUMERIC_FLAGS)) {
    const text = values[name];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    if (
      text.trim() === '' ||
      !Number.isFinite(value) ||
      value < rule.min ||
      value > rule.max ||
      (rule.integer && !Number.isInteger(value))
    ) {
      throw new AmberError(
        'INVALID_ARGUMENT',
        `--${name} must be ${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}; got "${text}".`,
      );
    }
    options[rule.key] = value;
  }
  if (options.phases === undefined && options.generationDays !== undefined) {
    options.phases = Math.ceil(options.generationDays);
  }
  return options;
}

/** The CLI: prints the table; returns the exit code. */
export function main(argv: readonly string[]): number {
  const parsed = parseLockSimulationArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(`${LOCK_SIMULATION_USAGE}\n`);
    return 0;
  }
  process.stdout.write(`${renderLockSimulationTable(simulateLockGenerations(parsed))}\n`);
  return 0;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!isAmberError(error)) throw error;
    process.stderr.write(`lock-simulation: ${error.message}\n`);
    process.exitCode = error.code === 'USAGE' ? 2 : 1;
  }
}
