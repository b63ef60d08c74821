import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { removeTree, copyTree, formatBytes } from './bench-source.js';
import { benchStateDirs, type BackupStep, type BenchTool, type ToolInvocation, type ToolName } from './bench-tools.js';
import { mutateCorpus, type MutationSummary } from './corpus.js';
import { directorySizeBytes } from './file-tree.js';
import { runTimed, type StepMeasurement } from './timed-command.js';
import { diffTrees } from './tree-diff.js';
import { warmSource } from './warm-source.js';

export type StepName = BackupStep | 'restore';
export const STEP_NAMES: readonly StepName[] = ['full', 'nochange', 'incr', 'restore'];
export type RestoreCheck = 'OK' | 'DIFFERS' | 'NOT RUN';

export interface StepResult extends StepMeasurement {
  readonly ok: boolean;
  /** Repository size after the step (recursive apparent size of the repository directory). */
  readonly repoBytes: number;
  /** Log files of the step, without their .out/.err/.time suffix. */
  readonly logBase: string;
}

export interface ToolRunResult {
  readonly tool: ToolName;
  readonly steps: Partial<Record<StepName, StepResult>>;
  readonly restoreCheck: RestoreCheck;
  readonly differenceCount: number;
  readonly differences: readonly string[];
  /** The first failed step, in a sentence, or null. */
  readonly failure: string | null;
}

export interface RunResult {
  readonly run: number;
  readonly order: readonly ToolName[];
  readonly mutation: MutationSummary;
  readonly tools: readonly ToolRunResult[];
}

export interface RunnerContext {
  readonly tools: readonly BenchTool[];
  readonly workDir: string;
  readonly seed: number;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly timeBin: string | null;
  readonly log: (line: string) => void;
}

interface ToolState {
  readonly tool: BenchTool;
  readonly repo: string;
  readonly steps: Partial<Record<StepName, StepResult>>;
  restoreCheck: RestoreCheck;
  differenceCount: number;
  differences: readonly string[];
  failure: string | null;
}

/**
 * One run: a fresh copy of the source and fresh repositories; every tool does a full backup, then
 * a no-change backup; the copy is mutated once (5 %, day 1); every tool does an incremental backup,
 * then a full restore of its latest point, which is compared with the mutated source. Each timed
 * backup starts with the source in the page cache (warmSource), as the reference figures are
 * measured; tool order alternates between runs so that no tool always meets the repositories' cache
 * state first.
 */
export async function runOnce(ctx: RunnerContext, baseDir: string, run: number, runs: number): Promise<RunResult> {
  const source = path.join(ctx.workDir, 'src');
  const logDir = path.join(ctx.workDir, 'logs', `run-${run}`);
  for (const stale of ['src', ...ctx.tools.flatMap((t) => [`repo-${t.name}`, `restore-${t.name}`])]) {
    removeTree(path.join(ctx.workDir, stale));
  }
  for (const dir of Object.values(benchStateDirs(ctx.workDir))) removeTree(dir);
  removeTree(logDir);
  mkdirSync(logDir, { recursive: true });
  copyTree(baseDir, source);
  const order = run % 2 === 1 ? [...ctx.tools] : [...ctx.tools].reverse();
  const states: ToolState[] = order.map((tool) => ({
    tool,
    repo: path.join(ctx.workDir, `repo-${tool.name}`),
    steps: {},
    restoreCheck: 'NOT RUN',
    differenceCount: 0,
    differences: [],
    failure: null,
  }));
  const step = { ctx, source, logDir, label: `[run ${run}/${runs}]` };
  for (const s of states) {
    await initTool(step, s);
    await backupStep(step, s, 'full');
  }
  for (const s of states) await backupStep(step, s, 'nochange');
  const mutation = mutateCorpus(source, { seed: ctx.seed, day: 1, pct: 5 });
  ctx.log(`${step.label} mutated the source: ${JSON.stringify(mutation)}`);
  for (const s of states) await backupStep(step, s, 'incr');
  for (const s of states) await restoreStep(step, s);
  const results = ctx.tools.map((tool) => states.find((s) => s.tool === tool) as ToolState);
  return {
    run,
    order: order.map((t) => t.name),
    mutation,
    tools: results.map((s) => ({
      tool: s.tool.name,
      steps: s.steps,
      restoreCheck: s.restoreCheck,
      differenceCount: s.differenceCount,
      differences: s.differences,
      failure: s.failure,
    })),
  };
}

interface StepScope {
  readonly ctx: RunnerContext;
  readonly source: string;
  readonly logDir: string;
  readonly label: string;
}

async function initTool(scope: StepScope, s: ToolState): Promise<void> {
  const result = await execute(scope, s, 'init', s.tool.init(s.repo));
  if (!result.ok) s.failure = `init failed (${describeExit(result)}); see ${result.logBase}.err`;
}

async function backupStep(scope: StepScope, s: ToolState, name: BackupStep): Promise<void> {
  if (s.failure !== null) return;
  syncFilesystems();
  warmSource(scope.source);
  const result = await execute(scope, s, name, s.tool.backup(s.repo, scope.source, name));
  s.steps[name] = result;
  if (!result.ok) s.failure = `${name} backup failed (${describeExit(result)}); see ${result.logBase}.err`;
  scope.ctx.log(
    `${scope.label} ${s.tool.name} ${name}: ${(result.wallMs / 1000).toFixed(2)} s, ` +
      `RSS ${result.maxRssBytes === null ? '?' : formatBytes(result.maxRssBytes)}, repo ${formatBytes(result.repoBytes)}` +
      (result.ok ? '' : ` — FAILED (${describeExit(result)})`),
  );
}

async function restoreStep(scope: StepScope, s: ToolState): Promise<void> {
  if (s.failure !== null) return;
  const target = path.join(scope.ctx.workDir, `restore-${s.tool.name}`);
  removeTree(target);
  mkdirSync(target, { recursive: true });
  syncFilesystems();
  const result = await execute(scope, s, 'restore', s.tool.restore(s.repo, target, 'incr'), target);
  s.steps.restore = result;
  if (!result.ok) s.failure = `restore failed (${describeExit(result)}); see ${result.logBase}.err`;
  else checkRestore(s, scope.source, path.join(target, scope.source));
  scope.ctx.log(
    `${scope.label} ${s.tool.name} restore: ${(result.wallMs / 1000).toFixed(2)} s — ` +
      (result.ok
        ? `${s.restoreCheck}${s.differences.map((d) => `\n    ${d}`).join('')}`
        : `FAILED (${describeExit(result)})`),
  );
  removeTree(target);
}

function checkRestore(s: ToolState, source: string, restored: string): void {
  if (!existsSync(restored)) {
    s.restoreCheck = 'DIFFERS';
    s.differenceCount = 1;
    s.differences = [`the restored tree is not at ${restored}`];
    return;
  }
  const diff = diffTrees(source, restored);
  s.restoreCheck = diff.identical ? 'OK' : 'DIFFERS';
  s.differenceCount = diff.differenceCount;
  s.differences = diff.differences;
}

async function execute(
  scope: StepScope,
  s: ToolState,
  name: StepName | 'init',
  invocation: ToolInvocation,
  defaultCwd = scope.ctx.workDir,
): Promise<StepResult> {
  const logBase = path.join(scope.logDir, `${s.tool.name}-${name}`);
  const measurement = await runTimed(
    {
      command: invocation.command,
      args: invocation.args,
      cwd: invocation.cwd ?? defaultCwd,
      env: scope.ctx.env,
      logBase,
    },
    { timeBin: scope.ctx.timeBin, clock: scope.ctx.clock },
  );
  const ok = measurement.exitCode !== null && s.tool.okExitCodes.includes(measurement.exitCode);
  return { ...measurement, ok, repoBytes: directorySizeBytes(s.repo), logBase };
}

function describeExit(m: StepMeasurement): string {
  return m.abnormal ?? `exit code ${m.exitCode}`;
}

/** Flushes dirty pages before a timed step so one tool's writes are not charged to the next. */
function syncFilesystems(): void {
  spawnSync('sync', { stdio: 'ignore' });
}
