import type { ToolName } from './bench-tools.js';
import { STEP_NAMES, type RunResult, type StepName, type StepResult } from './bench-runner.js';

export type Metric = StepName | 'peakRss' | 'repoSize';
export type RestoreVerdict = 'OK' | 'DIFFERS' | 'FAILED' | 'NOT RUN';

/** One tool's figures over all runs: medians, and the worst restore verdict. */
export interface ToolSummary {
  readonly tool: ToolName;
  /** Wall milliseconds per step, peak RSS bytes, repository bytes after the incremental backup. */
  readonly figures: Readonly<Record<Metric, number | null>>;
  readonly cpuMs: Readonly<Record<StepName, number | null>>;
  readonly restore: RestoreVerdict;
  readonly failures: readonly string[];
}

export interface Target {
  readonly metric: Metric;
  readonly peer: 'restic' | 'borg';
  /** Amber's figure divided by the peer's must not exceed this. */
  readonly maxRatio: number;
}

export const TARGETS: readonly Target[] = [
  { metric: 'full', peer: 'restic', maxRatio: 0.5 },
  { metric: 'full', peer: 'borg', maxRatio: 0.7 },
  { metric: 'nochange', peer: 'restic', maxRatio: 0.5 },
  { metric: 'incr', peer: 'restic', maxRatio: 0.5 },
  { metric: 'restore', peer: 'restic', maxRatio: 0.75 },
  { metric: 'peakRss', peer: 'restic', maxRatio: 1.5 },
  { metric: 'repoSize', peer: 'restic', maxRatio: 1.02 },
];

export interface TargetResult extends Target {
  readonly ratio: number | null;
  /** null when a figure is missing (tool not run or failed). */
  readonly met: boolean | null;
}

/** Median of the defined values (mean of the middle two for an even count), null when none. */
export function median(values: readonly (number | null | undefined)[]): number | null {
  const sorted = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(runs: readonly RunResult[], tools: readonly ToolName[]): ToolSummary[] {
  return tools.map((tool) => {
    const mine = runs.flatMap((r) => r.tools.filter((t) => t.tool === tool));
    const okStep = (name: StepName): StepResult[] =>
      mine.map((t) => t.steps[name]).filter((s): s is StepResult => s?.ok === true);
    const wall = (name: StepName): number | null => median(okStep(name).map((s) => s.wallMs));
    const cpu = (name: StepName): number | null =>
      median(okStep(name).map((s) => (s.userMs === null || s.sysMs === null ? null : s.userMs + s.sysMs)));
    const peakRss = median(
      mine
        .filter((t) => t.failure === null)
        .map((t) => {
          const rss = STEP_NAMES.map((n) => t.steps[n]?.maxRssBytes).filter((v): v is number => typeof v === 'number');
          return rss.length === 0 ? null : Math.max(...rss);
        }),
    );
    const failures = mine.map((t) => t.failure).filter((f): f is string => f !== null);
    const restore: RestoreVerdict =
      failures.length > 0
        ? 'FAILED'
        : mine.some((t) => t.restoreCheck === 'DIFFERS')
          ? 'DIFFERS'
          : mine.length > 0 && mine.every((t) => t.restoreCheck === 'OK')
            ? 'OK'
            : 'NOT RUN';
    return {
      tool,
      figures: {
        full: wall('full'),
        nochange: wall('nochange'),
        incr: wall('incr'),
        restore: wall('restore'),
        peakRss,
        repoSize: median(okStep('incr').map((s) => s.repoBytes)),
      },
      cpuMs: { full: cpu('full'), nochange: cpu('nochange'), incr: cpu('incr'), restore: cpu('restore') },
      restore,
      failures,
    };
  });
}

export function ratio(summaries: readonly ToolSummary[], metric: Metric, peer: ToolName): number | null {
  const amber = summaries.find((s) => s.tool === 'amber')?.figures[metric] ?? null;
  const other = summaries.find((s) => s.tool === peer)?.figures[metric] ?? null;
  return amber === null || other === null || other === 0 ? null : amber / other;
}

export function evaluateTargets(summaries: readonly ToolSummary[]): TargetResult[] {
  return TARGETS.map((target) => {
    const r = ratio(summaries, target.metric, target.peer);
    return { ...target, ratio: r, met: r === null ? null : r <= target.maxRatio };
  });
}
