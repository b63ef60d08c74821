import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, toIso } from '../core/clock.js';
import { errorKind } from '../core/error-catalog.js';
import { isAmberError } from '../core/errors.js';
import { BENCH_USAGE, chooseTools, parseBenchOptions, type BenchOptions } from './bench-options.js';
import { evaluateTargets, summarize } from './bench-report.js';
import { runOnce, type RunResult } from './bench-runner.js';
import { formatBytes, prepareSource } from './bench-source.js';
import { renderTable } from './bench-table.js';
import { benchEnv, createBenchTool, findExecutable, type BenchTool, type ToolName } from './bench-tools.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** `npm run bench -- [options]`: Amber against restic and borg. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  const defaultAmberBin = path.join(repoRoot, 'bin', 'amber.js');
  const options = parseBenchOptions(argv, {
    workDir: path.join(repoRoot, '.bench'),
    amberBin: defaultAmberBin,
    cwd: process.cwd(),
  });
  if (options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const choice = chooseTools(options.requestedTools, (tool) => unavailableReason(tool, options, repoRoot));
  for (const s of choice.skipped) log(`skipping ${s.tool}: ${s.reason}`);
  mkdirSync(options.workDir, { recursive: true });
  const workDir = realpathSync(options.workDir);
  const env = benchEnv(process.env, workDir);
  const tools = choice.tools.map((name) => createBenchTool(name, options.amberBin));
  const source = prepareSource({ ...options, workDir }, systemClock, log);
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  if (timeBin === null) log('no /usr/bin/time: peak RSS is sampled from /proc and CPU times are not reported');
  const runs: RunResult[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const ctx = { tools, workDir, seed: options.seed, env, clock: systemClock, timeBin, log };
    runs.push(await runOnce(ctx, source.baseDir, run, options.runs));
  }
  const summaries = summarize(runs, choice.tools);
  const targets = evaluateTargets(summaries);
  const what =
    source.kind === 'generated' ? `generated corpus (seed ${options.seed}, scale ${options.scale})` : source.baseDir;
  process.stdout.write(
    `\nAmber benchmark — ${what}: ${source.fileCount} files, ${formatBytes(source.sizeBytes)}; ` +
      `${options.runs === 1 ? '1 run' : `${options.runs} runs, medians`}\n\n${renderTable(summaries, targets)}\n`,
  );
  if (choice.skipped.length > 0) {
    process.stdout.write(`\nskipped: ${choice.skipped.map((s) => `${s.tool} (${s.reason})`).join('; ')}\n`);
  }
  for (const s of summaries) for (const f of s.failures) process.stdout.write(`${s.tool}: ${f}\n`);
  for (const r of runs.flatMap((run) => run.tools.map((t) => ({ run: run.run, ...t })))) {
    if (r.restoreCheck !== 'DIFFERS') continue;
    process.stdout.write(
      `${r.tool}: run ${r.run} restored a tree that differs from the source (${r.differenceCount} differences): ` +
        `${r.differences.slice(0, 5).join('; ')}\n`,
    );
  }
  if (options.jsonPath !== null) {
    const report = {
      generatedAt: toIso(systemClock.nowMs()),
      options,
      source,
      machine: machineInfo(),
      tools: toolVersions(tools, env),
      skipped: choice.skipped,
      runs,
      summary: summaries,
      targets,
    };
    mkdirSync(path.dirname(options.jsonPath), { recursive: true });
    writeFileSync(options.jsonPath, JSON.stringify(report, null, 2) + '\n');
    log(`results written to ${options.jsonPath}`);
  }
  const amber = summaries.find((s) => s.tool === 'amber');
  const failed = summaries.some((s) => s.failures.length > 0) || (amber !== undefined && amber.restore !== 'OK');
  return failed ? 1 : 0;
}

/** The checkout holding this script (package.json named amber-backup), else the working directory. */
function findRepoRoot(startDir: string): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'amber-backup') return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

function unavailableReason(tool: ToolName, options: BenchOptions, repoRoot: string): string | null {
  if (tool !== 'amber') return findExecutable(tool, process.env.PATH) === null ? `${tool} is not on PATH` : null;
  if (!existsSync(options.amberBin)) return `the amber CLI ${options.amberBin} does not exist`;
  const cliMain = path.join(repoRoot, 'dist', 'cli', 'main.js');
  if (options.amberBin === path.join(repoRoot, 'bin', 'amber.js') && !existsSync(cliMain)) {
    return `the amber CLI is not built (${cliMain} is missing)`;
  }
  return null;
}

function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function toolVersions(tools: readonly BenchTool[], env: NodeJS.ProcessEnv): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const tool of tools) {
    const v = tool.version();
    const result = spawnSync(v.command, v.args, { env, encoding: 'utf8' });
    versions[tool.name] = (result.stdout || result.stderr || 'unknown').trim().split('\n')[0] ?? 'unknown';
  }
  return versions;
}

async function runAsScript(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (isAmberError(error)) {
      log(`bench: ${error.message}`);
      process.exitCode = errorKind(error.code) === 'usage' ? 2 : 1;
    } else {
      log(`bench: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  await runAsScript();
