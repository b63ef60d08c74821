import path from 'node:path';
import { parseArgs } from 'node:util';
import { AmberError } from '../core/errors.js';

export interface S3BenchOptions {
  /** Corpus scale: 1 ≈ 2 GiB; the default 0.25 (≈ 550 MiB) runs in about 30 s on a 2-core machine. */
  readonly scale: number;
  readonly seed: number;
  readonly workDir: string;
  /** Incremental backups after the full one. */
  readonly incrementals: number;
  /** Percentage of the files changed before each incremental. */
  readonly changePct: number;
  /**
   * Simulated days between backups: the vault's clock moves on. The default 2 makes 5 incrementals span
   * one 10-day lock generation, so exactly one of them extends the locks of the objects it reuses.
   */
  readonly daysBetween: number;
  readonly jsonPath: string | null;
  readonly help: boolean;
}

export const S3_BENCH_USAGE = `usage: npm run bench:s3 -- [options]     (needs .ci/ceph-rgw.sh up)
  --scale F          corpus size, 1 ≈ 2 GiB (default 0.25 ≈ 550 MiB)
  --seed N           corpus and mutation seed (default 1)
  --work DIR         work directory for the corpus, its working copy and restores (default .bench/)
  --incrementals N   incremental backups after the full one (default 5)
  --change PCT       percentage of files changed before each incremental (default 1)
  --days-between D   simulated days between backups, moving the vault's clock (default 2)
  --json FILE        also write every figure as JSON
  -h, --help         this text`;

/** Parses the S3 bench's command line; a mistake is a USAGE or INVALID_ARGUMENT error naming it. */
export function parseS3BenchOptions(
  argv: readonly string[],
  defaults: { workDir: string; cwd: string },
): S3BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scale: { type: 'string' },
        seed: { type: 'string' },
        work: { type: 'string' },
        incrementals: { type: 'string' },
        change: { type: 'string' },
        'days-between': { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new AmberError('USAGE', `${(error as Error).message}\n${S3_BENCH_USAGE}`, { cause: error });
  }
  const resolve = (p: string): string => path.resolve(defaults.cwd, p);
  const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
  return {
    scale: numberOption('--scale', values.scale ?? '0.25', (n) => n > 0),
    seed: numberOption('--seed', values.seed ?? '1', isCount),
    workDir: resolve(values.work ?? defaults.workDir),
    incrementals: numberOption('--incrementals', values.incrementals ?? '5', (n) => isCount(n) && n <= 1000),
    changePct: numberOption('--change', values.change ?? '1', (n) => n >= 0 && n <= 100),
    daysBetween: numberOption('--days-between', values['days-between'] ?? '2', (n) => n >= 0 && n <= 3650),
    jsonPath: values.json === undefined ? null : resolve(values.json),
    help: values.help === true,
  };
}

function numberOption(name: string, text: string, valid: (n: number) => boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !valid(n)) {
    throw new AmberError('INVALID_ARGUMENT', `${name} ${JSON.stringify(text)} is not an acceptable value.`, {
      details: { option: name, value: text },
    });
  }
  return n;
}
