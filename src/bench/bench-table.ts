import type { Metric, TargetResult, ToolSummary } from './bench-report.js';
import { ratio } from './bench-report.js';

const ROWS: readonly { metric: Metric; label: string }[] = [
  { metric: 'full', label: 'full backup' },
  { metric: 'nochange', label: 'no-change backup' },
  { metric: 'incr', label: 'incremental (5 %)' },
  { metric: 'restore', label: 'full restore' },
  { metric: 'peakRss', label: 'peak RSS' },
  { metric: 'repoSize', label: 'repo size' },
];

function formatFigure(metric: Metric, value: number | null): string {
  if (value === null) return '—';
  if (metric === 'peakRss' || metric === 'repoSize') return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  return `${(value / 1000).toFixed(2)} s`;
}

function formatRatio(
  metric: Metric,
  peer: 'restic' | 'borg',
  summaries: readonly ToolSummary[],
  targets: readonly TargetResult[],
): string {
  const r = ratio(summaries, metric, peer);
  if (r === null) return '—';
  const target = targets.find((t) => t.metric === metric && t.peer === peer);
  if (target === undefined) return r.toFixed(2);
  return `${r.toFixed(2)} ${target.met === true ? '✓' : '✗'} (≤ ${target.maxRatio.toFixed(2)})`;
}

/**
 * The results table: one row per step, one column per tool, then amber/restic and amber/borg
 * ratio columns (when Amber and that peer both ran) with ✓/✗ against each target.
 */
export function renderTable(summaries: readonly ToolSummary[], targets: readonly TargetResult[]): string {
  const tools = summaries.map((s) => s.tool);
  const peers = tools.includes('amber') ? (['restic', 'borg'] as const).filter((p) => tools.includes(p)) : [];
  const header = ['', ...tools, ...peers.map((p) => `amber/${p}`)];
  const rows = ROWS.map(({ metric, label }) => [
    label,
    ...summaries.map((s) => formatFigure(metric, s.figures[metric])),
    ...peers.map((p) => formatRatio(metric, p, summaries, targets)),
  ]);
  rows.push(['restore check', ...summaries.map((s) => s.restore), ...peers.map(() => '')]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('   ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('   '), ...rows.map(line)];
  const judged = targets.filter((t) => t.met !== null);
  if (judged.length > 0) {
    out.push('', `targets met: ${judged.filter((t) => t.met === true).length}/${judged.length}`);
    for (const t of targets) {
      const mark = t.met === null ? '·' : t.met ? '✓' : '✗';
      const value = t.ratio === null ? 'not measured' : t.ratio.toFixed(2);
      out.push(`  ${mark} ${t.metric} ≤ ${t.maxRatio}× ${t.peer}: ${value}`);
    }
  }
  return out.join('\n');
}
