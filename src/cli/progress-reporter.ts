import { formatBytes, formatDuration } from './format-output.js';

export interface ProgressFigures {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly elapsedMs: number;
}

/**
 * Progress on a terminal: one line on stderr, redrawn at most 10 times a second, with files, bytes,
 * throughput and ETA. In pipes and with --json it stays silent.
 */
export class ProgressReporter {
  readonly #enabled: boolean;
  readonly #verb: string;
  #lastDrawMs = -Infinity;
  #drawn = false;

  constructor(enabled: boolean, verb: string) {
    this.#enabled = enabled;
    this.#verb = verb;
  }

  update = (p: ProgressFigures): void => {
    if (!this.#enabled || p.elapsedMs - this.#lastDrawMs < 100) return;
    this.#lastDrawMs = p.elapsedMs;
    const rate = p.elapsedMs > 0 ? (p.bytesDone / p.elapsedMs) * 1000 : 0;
    const remaining = rate > 0 ? ((p.bytesTotal - p.bytesDone) / rate) * 1000 : undefined;
    const pct = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100;
    const text =
      `${this.#verb} ${pct}%  ${p.filesDone}/${p.filesTotal} files  ` +
      `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}  ${formatBytes(rate)}/s` +
      (remaining === undefined ? '' : `  ETA ${formatDuration(remaining)}`);
    process.stderr.write(`\r\x1b[2K${text}`);
    this.#drawn = true;
  };

  done(): void {
    if (this.#drawn) process.stderr.write('\r\x1b[2K');
  }
}
