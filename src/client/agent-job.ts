import type { Clock } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import type { JobView } from './api-views.js';
import { HttpVaultService } from './http-vault-service.js';

export type JobOutcome = 'succeeded' | 'failed' | 'interrupted';

/** What running one job needs (a subset of the runner's options). */
export interface AgentJobContext {
  readonly api: ApiClient;
  readonly clock: Clock;
  readonly cacheDir: string;
  readonly keyPassphrase: string;
  readonly hostname: string;
  readonly stopSignal: AbortSignal;
  readonly log: (line: string) => void;
  readonly workerCount?: number;
}

interface Figures {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

const PROGRESS_EVERY_MS = 1000;

/**
 * Runs one claimed job on this host and reports how it ended (`POST /jobs/:id/finish`). A job
 * interrupted by a stop is not reported: it stays running on the server, which queues it again when
 * this agent says hello after its restart, and the packs already uploaded are found again then.
 */
export async function runAgentJob(ctx: AgentJobContext, job: JobView): Promise<JobOutcome> {
  const progress = new ProgressReports(ctx, job.id);
  const service = new HttpVaultService({
    api: ctx.api,
    vault: job.vault,
    clock: ctx.clock,
    cacheDir: ctx.cacheDir,
    passphrase: () => Promise.resolve(ctx.keyPassphrase),
    ...(ctx.workerCount === undefined ? {} : { workerCount: ctx.workerCount }),
  });
  try {
    const report =
      job.kind === 'backup' ? await backup(ctx, service, job, progress) : await restore(service, job, progress);
    await progress.settled();
    await finish(ctx, job, { status: 'succeeded', ...report });
    ctx.log(`job ${job.id}: ${job.kind} of ${job.item} succeeded: ${report.message}`);
    return 'succeeded';
  } catch (error) {
    await progress.settled();
    if (ctx.stopSignal.aborted) {
      ctx.log(`job ${job.id}: ${job.kind} of ${job.item} interrupted by the stop; the server queues it again.`);
      return 'interrupted';
    }
    const message = isAmberError(error) ? `${error.message} [${error.code}]` : `unexpected error: ${String(error)}`;
    await finish(ctx, job, { status: 'failed', message }).catch((finishError: unknown) => {
      ctx.log(`job ${job.id}: could not report the failure: ${String((finishError as Error).message)}`);
    });
    ctx.log(`job ${job.id}: ${job.kind} of ${job.item} failed: ${message}`);
    return 'failed';
  }
}

interface SuccessReport {
  readonly pointId: string;
  readonly files: number;
  readonly bytes: number;
  readonly addedBytes: number;
  readonly durationMs: number;
  readonly warnings: number;
  readonly message: string;
}

async function backup(
  ctx: AgentJobContext,
  service: HttpVaultService,
  job: JobView,
  progress: ProgressReports,
): Promise<SuccessReport> {
  // The claim carries the item's paths; without them the service asks the server for the item's.
  const paths = job.paths ?? job.params['paths'];
  const outcome = await service.backup(
    {
      item: job.item,
      paths: Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [],
      retainDays: 0,
      hostname: ctx.hostname,
    },
    progress.update,
  );
  const { stats, point } = outcome;
  const warned = outcome.warnings.length;
  return {
    pointId: point.id,
    files: stats.files,
    bytes: stats.sizeBytes,
    addedBytes: stats.addedBytes,
    durationMs: stats.durationMs,
    warnings: warned,
    message:
      `point ${point.id.slice(0, 12)}: ${stats.files} files, ${stats.sizeBytes} bytes, ${stats.addedBytes} bytes new` +
      (warned === 0 ? '' : `; ${warned} unreadable: ${outcome.warnings.map((w) => w.path).join(', ')}`).slice(0, 2000),
  };
}

async function restore(service: HttpVaultService, job: JobView, progress: ProgressReports): Promise<SuccessReport> {
  const { point, target, includes } = job.params;
  if (typeof point !== 'string' || typeof target !== 'string') {
    throw new AmberError('INVALID_ARGUMENT', `Restore job ${job.id} names no point or no target directory.`);
  }
  const paths = Array.isArray(includes) ? includes.filter((p): p is string => typeof p === 'string') : [];
  const outcome = await service.restore({ ref: point, target, includes: paths }, progress.update);
  return {
    pointId: outcome.pointId,
    files: outcome.files,
    bytes: outcome.bytes,
    addedBytes: 0,
    durationMs: outcome.durationMs,
    warnings: outcome.warnings.length,
    message: `point ${outcome.pointId.slice(0, 12)}: ${outcome.files} files, ${outcome.bytes} bytes to ${target}`,
  };
}

async function finish(ctx: AgentJobContext, job: JobView, body: Record<string, unknown>): Promise<void> {
  // Reporting twice records the same end twice: safe to repeat when the answer was lost.
  await ctx.api.request('POST', `/api/v1/jobs/${encodeURIComponent(job.id)}/finish`, { body, idempotent: true });
}

/** Progress to the server at most once a second, one report in flight at a time, never blocking the job. */
class ProgressReports {
  readonly #ctx: AgentJobContext;
  readonly #jobId: string;
  #lastSentMs = -Infinity;
  #inFlight: Promise<void> | undefined;

  constructor(ctx: AgentJobContext, jobId: string) {
    this.#ctx = ctx;
    this.#jobId = jobId;
  }

  update = (figures: Figures): void => {
    const nowMs = this.#ctx.clock.monotonicMs();
    if (this.#inFlight !== undefined || nowMs - this.#lastSentMs < PROGRESS_EVERY_MS) return;
    this.#lastSentMs = nowMs;
    const { filesDone, filesTotal, bytesDone, bytesTotal } = figures;
    this.#inFlight = this.#ctx.api
      .request('POST', `/api/v1/jobs/${encodeURIComponent(this.#jobId)}/progress`, {
        body: { filesDone, filesTotal, bytesDone, bytesTotal },
      })
      .then(
        () => undefined,
        () => undefined, // progress is a courtesy; the result is what counts
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
  };

  async settled(): Promise<void> {
    await this.#inFlight;
  }
}
