import path from 'node:path';
import { parseArgs } from 'node:util';
import { AmberError } from '../core/errors.js';
import { TOOL_NAMES, type ToolName } from './bench-tools.js';

export interface BenchOptions {
  /** An existing directory to back up instead of a generated corpus (it is copied, never changed). */
  readonly sourceDir: string | null;
  readonly scale: number;
  readonly seed: number;
  readonly workDir: string;
  /** null: the default (amber plus whichever of restic/borg is installed). */
  readonly requestedTools: readonly ToolName[] | null;
  readonly runs: number;
  readonly jsonPath: string | null;
  readonly amberBin: string;
  readonly help: boolean;
}

export interface BenchDefaults {
  readonly workDir: string;
  readonly amberBin: string;
  /** Relative paths given on the command line resolve against it. */
  readonly cwd: string;
}

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --source DIR     back up a copy of DIR instead of a generated corpus
  --scale F        corpus size, 1 ≈ 2 GiB (default 1; 0.05 for a quick check)
  --seed N         corpus and mutation seed (default 1)
  --work DIR       work directory for corpus, repositories, restores, logs (default .bench/)
  --tools LIST     comma-separated subset of amber,restic,borg (default: amber + those installed)
  --runs N         repeat the whole sequence N times and report medians (default 1)
  --json FILE      also write every figure as JSON
  --amber-bin FILE the amber CLI entry point (default bin/amber.js of this checkout)
  -h, --help       this text`;

/** Parses the bench's command line; a mistake is a USAGE or INVALID_ARGUMENT error naming it. */
export function parseBenchOptions(argv: readonly string[], defaults: BenchDefaults): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        source: { type: 'string' },
        scale: { type: 'string' },
        seed: { type: 'string' },
        work: { type: 'string' },
        tools: { type: 'string' },
        runs: { type: 'string' },
        json: { type: 'string' },
        'amber-bin': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new AmberError('USAGE', `${(error as Error).message}\n${BENCH_USAGE}`, { cause: error });
  }
  const resolve = (p: string): string => path.resolve(defaults.cwd, p);
  return {
    sourceDir: values.source === undefined ? null : resolve(values.source),
    scale: parseNumber('--scale', values.scale ?? '1', (n) => n > 0),
    seed: parseNumber('--seed', values.seed ?? '1', (n) => Number.isSafeInteger(n) && n >= 0),
    workDir: resolve(values.work ?? defaults.workDir),
    requestedTools: values.tools === undefined ? null : parseTools(values.tools),
    runs: parseNumber('--runs', values.runs ?? '1', (n) => Number.isSafeInteger(n) && n >= 1),
    jsonPath: values.json === undefined ? null : resolve(values.json),
    amberBin: resolve(values['amber-bin'] ?? defaults.amberBin),
    help: values.help === true,
  };
}

function parseNumber(name: string, text: string, valid: (n: number) => boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !valid(n)) {
    throw new AmberError('INVALID_ARGUMENT', `${name} ${JSON.stringify(text)} is not an acceptable value.`, {
      details: { option: name, value: text },
    });
  }
  return n;
}

function parseTools(text: string): ToolName[] {
  const names = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const unknown = names.filter((t) => !(TOOL_NAMES as readonly string[]).includes(t));
  if (names.length === 0 || unknown.length > 0) {
    throw new AmberError('INVALID_ARGUMENT', `--tools takes a list from ${TOOL_NAMES.join(',')}, not "${text}".`, {
      details: { option: '--tools', value: text },
    });
  }
  return [...new Set(names as ToolName[])];
}

export interface ToolChoice {
  readonly tools: readonly ToolName[];
  readonly skipped: readonly { readonly tool: ToolName; readonly reason: string }[];
}

/**
 * The tools to run. By default every tool that is available, the others listed with the reason;
 * a tool asked for by name that is unavailable is an error.
 */
export function chooseTools(
  requested: readonly ToolName[] | null,
  unavailableReason: (tool: ToolName) => string | null,
): ToolChoice {
  const tools: ToolName[] = [];
  const skipped: { tool: ToolName; reason: string }[] = [];
  for (const tool of requested ?? TOOL_NAMES) {
    const reason = unavailableReason(tool);
    if (reason === null) tools.push(tool);
    else if (requested !== null) {
      throw new AmberError('INVALID_ARGUMENT', `${tool} was asked for with --tools but ${reason}.`, {
        details: { tool },
      });
    } else skipped.push({ tool, reason });
  }
  if (tools.length === 0) {
    throw new AmberError('INVALID_ARGUMENT', 'No backup tool is available to benchmark.', { details: { skipped } });
  }
  return { tools, skipped };
}
