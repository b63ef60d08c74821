import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { CORPUS_GENERATOR_VERSION, generateCorpus } from './corpus.js';
import { directorySizeBytes, listFiles } from './file-tree.js';

export interface PreparedSource {
  /** The pristine tree every run copies from. */
  readonly baseDir: string;
  readonly kind: 'generated' | 'given';
  readonly fileCount: number;
  readonly sizeBytes: number;
}

interface CorpusMarker {
  readonly version: number;
  readonly seed: number;
  readonly scale: number;
  readonly fileCount: number;
  readonly sizeBytes: number;
}

/**
 * The bench's pristine source: the given directory, or a generated corpus cached in the work
 * directory as corpus-seed<N>-scale<F>/ (regenerated when its marker file is missing or stale).
 */
export function prepareSource(
  request: { sourceDir: string | null; seed: number; scale: number; workDir: string },
  clock: Clock,
  log: (line: string) => void,
): PreparedSource {
  if (request.sourceDir !== null) {
    if (!existsSync(request.sourceDir) || !statSync(request.sourceDir).isDirectory()) {
      throw new AmberError('SOURCE_UNREADABLE', `--source ${request.sourceDir} is not a directory.`, {
        details: { path: request.sourceDir },
      });
    }
    const fileCount = listFiles(request.sourceDir).length;
    return { baseDir: request.sourceDir, kind: 'given', fileCount, sizeBytes: directorySizeBytes(request.sourceDir) };
  }
  const baseDir = path.join(request.workDir, `corpus-seed${request.seed}-scale${request.scale}`);
  const markerFile = `${baseDir}.json`;
  const marker = readMarker(markerFile);
  if (marker?.version === CORPUS_GENERATOR_VERSION && existsSync(baseDir)) {
    log(`corpus: reusing ${baseDir} (${marker.fileCount} files, ${formatBytes(marker.sizeBytes)})`);
    return { baseDir, kind: 'generated', fileCount: marker.fileCount, sizeBytes: marker.sizeBytes };
  }
  rmSync(markerFile, { force: true });
  removeTree(baseDir);
  log(`corpus: generating ${baseDir} (seed ${request.seed}, scale ${request.scale})…`);
  const startMs = clock.monotonicMs();
  const summary = generateCorpus(baseDir, { seed: request.seed, scale: request.scale });
  const seconds = (clock.monotonicMs() - startMs) / 1000;
  log(`corpus: ${summary.fileCount} files, ${formatBytes(summary.sizeBytes)} in ${seconds.toFixed(1)} s`);
  const fresh: CorpusMarker = {
    version: CORPUS_GENERATOR_VERSION,
    seed: request.seed,
    scale: request.scale,
    ...summary,
  };
  writeFileSync(markerFile, JSON.stringify(fresh, null, 2) + '\n');
  return { baseDir, kind: 'generated', fileCount: summary.fileCount, sizeBytes: summary.sizeBytes };
}

function readMarker(file: string): CorpusMarker | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CorpusMarker;
  } catch {
    return undefined;
  }
}

export function formatBytes(sizeBytes: number): string {
  if (sizeBytes >= 1024 ** 3) return `${(sizeBytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${(sizeBytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** `cp -a`: a copy with modes and mtimes kept, made by coreutils (far faster than a JS walk). */
export function copyTree(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  const result = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new AmberError(
      'SOURCE_UNREADABLE',
      `Copying ${from} to ${to} failed: ${result.stderr || result.error?.message}`,
      {
        cause: result.error,
        details: { from, to },
      },
    );
  }
}

/**
 * Removes a tree. Write-once vault files may carry the Linux immutable attribute (when the bench
 * runs as root), so on a refusal the attribute is cleared with `chattr -R -i` and removal retried.
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    spawnSync('chattr', ['-R', '-i', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
