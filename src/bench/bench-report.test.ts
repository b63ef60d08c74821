import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateTargets, median, summarize } from './bench-report.js';
import type { RunResult, StepName, StepResult, ToolRunResult } from './bench-runner.js';
import { renderTable } from './bench-table.js';
import type { ToolName } from './bench-tools.js';

function step(wallMs: number, maxRssMiB: number, repoMiB = 0, ok = true): StepResult {
  const mib = 1024 * 1024;
  return {
    wallMs,
    userMs: wallMs,
    sysMs: 0,
    maxRssBytes: maxRssMiB * mib,
    exitCode: ok ? 0 : 1,
    abnormal: null,
    ok,
    repoBytes: repoMiB * mib,
    logBase: '/x',
  };
}

function toolRun(tool: ToolName, walls: Record<StepName, number>, rssMiB: number, repoMiB: number): ToolRunResult {
  return {
    tool,
    steps: {
      full: step(walls.full, rssMiB, repoMiB),
      nochange: step(walls.nochange, rssMiB / 2, repoMiB),
      incr: step(walls.incr, rssMiB / 2, repoMiB),
      restore: step(walls.restore, rssMiB / 4, repoMiB),
    },
    restoreCheck: 'OK',
    differenceCount: 0,
    differences: [],
    failure: null,
  };
}

const mutation = {
  selected: 0,
  edited: 0,
  appended: 0,
  renamed: 0,
  deleted: 0,
  created: 0,
  imageBlocks: 0,
  bytesWritten: 0,
};

function run(n: number, amberFullMs: number): RunResult {
  return {
    run: n,
    order: ['amber', 'restic', 'borg'],
    mutation,
    tools: [
      toolRun('amber', { full: amberFullMs, nochange: 600, incr: 1000, restore: 8000 }, 200, 1000),
      toolRun('restic', { full: 18_000, nochange: 1400, incr: 3000, restore: 9000 }, 140, 1000),
      toolRun('borg', { full: 13_000, nochange: 2500, incr: 3200, restore: 14_000 }, 100, 1100),
    ],
  };
}

describe('bench report', () => {
  it('takes the median of the measured values', () => {
    assert.equal(median([3, null, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([undefined, null]), null);
  });

  it('summarizes runs with medians and judges each target against its peer', () => {
    const summaries = summarize([run(1, 6000), run(2, 9000), run(3, 7000)], ['amber', 'restic', 'borg']);
    const amber = summaries[0];
    assert.equal(amber?.figures.full, 7000);
    assert.equal(amber?.figures.peakRss, 200 * 1024 * 1024);
    assert.equal(amber?.restore, 'OK');
    const targets = evaluateTargets(summaries);
    const verdict = (metric: string, peer: string): boolean | null =>
      targets.find((t) => t.metric === metric && t.peer === peer)?.met ?? null;
    assert.equal(verdict('full', 'restic'), true); // 7000 / 18000 = 0.39
    assert.equal(verdict('full', 'borg'), true); // 0.54 ≤ 0.7
    assert.equal(verdict('nochange', 'restic'), true);
    assert.equal(verdict('restore', 'restic'), false); // 8000 / 9000 = 0.89 > 0.75
    assert.equal(verdict('peakRss', 'restic'), true); // 200 / 140 = 1.43
  });

  it('renders a row per step with ratio columns and marks', () => {
    const summaries = summarize([run(1, 10_000)], ['amber', 'restic', 'borg']);
    const table = renderTable(summaries, evaluateTargets(summaries));
    assert.match(table, /amber\/restic\s+amber\/borg/);
    assert.match(table, /full backup\s+10\.00 s\s+18\.00 s\s+13\.00 s\s+0\.56 ✗ \(≤ 0\.50\)\s+0\.77 ✗ \(≤ 0\.70\)/);
    assert.match(table, /repo size\s+1000\.0 MiB\s+1000\.0 MiB\s+1100\.0 MiB\s+1\.00 ✓/);
    assert.match(table, /restore check\s+OK\s+OK\s+OK/);
    assert.match(table, /targets met: 4\/7/);
  });

  it('reports a failed tool as FAILED and leaves its figures out', () => {
    const failed = run(1, 6000);
    const amber = failed.tools[0] as ToolRunResult;
    const broken: RunResult = {
      ...failed,
      tools: [
        { ...amber, steps: { full: step(100, 50, 0, false) }, failure: 'full backup failed' },
        ...failed.tools.slice(1),
      ],
    };
    const [summary] = summarize([broken], ['amber', 'restic', 'borg']);
    assert.equal(summary?.restore, 'FAILED');
    assert.equal(summary?.figures.full, null);
    assert.equal(summary?.figures.peakRss, null);
  });
});
