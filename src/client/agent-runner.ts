import type { Clock } from '../core/clock.js';
import { isAmberError, type AmberError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import type { JobView } from './api-views.js';
import { runAgentJob, type JobOutcome } from './agent-job.js';

export interface AgentRunnerOptions {
  /** The server, with the agent's token and the stop signal. */
  readonly api: ApiClient;
  readonly clock: Clock;
  /** Where the files cache lives on this host. */
  readonly cacheDir: string;
  /** The passphrase of the agent's own key envelope, given at registration. */
  readonly keyPassphrase: string;
  readonly hostname: string;
  readonly pollIntervalMs: number;
  /** Process the jobs queued now, then return (tests, cron-style use). */
  readonly once: boolean;
  /** Aborted on SIGTERM/SIGINT: the call under way finishes, nothing new starts, the loop returns. */
  readonly stopSignal: AbortSignal;
  /** One line per job (and per outage of the server). */
  readonly log: (line: string) => void;
  readonly workerCount?: number;
  /** Waits between polls and resolves early on stop; default a timer. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface AgentRunSummary {
  readonly jobs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Stopped part-way; the server queues them again when this agent next starts (its hello). */
  readonly interrupted: number;
}

/**
 * The agent daemon: says hello (the server requeues whatever this agent left running when it
 * stopped), then claims jobs one at a time and runs them on this host — backups of its items into
 * the vault, restores of its points — reporting progress and the result. A server that cannot be
 * reached is waited for (and greeted again once back: a claim whose answer was lost is requeued
 * then); a revoked token ends the loop (exit 11).
 */
export async function runAgent(options: AgentRunnerOptions): Promise<AgentRunSummary> {
  const counts: Record<JobOutcome, number> = { succeeded: 0, failed: 0, interrupted: 0 };
  const waitFor = options.wait ?? waitUnlessStopped;
  const outage = new OutageLog(options.log);
  const { api, stopSignal } = options;
  let helloDue = true;
  while (!stopSignal.aborted) {
    try {
      if (helloDue) {
        await api.request('POST', '/api/v1/agents/me/hello', { idempotent: true });
        helloDue = false;
      }
      const job = await api.request<JobView | undefined>('POST', '/api/v1/agents/me/jobs/claim');
      outage.recovered();
      if (job === undefined) {
        if (options.once) break;
        await waitFor(options.pollIntervalMs, stopSignal);
        continue;
      }
      // A job claimed just as the stop came stays 'running'; the next hello queues it again.
      if (stopSignal.aborted) break;
      counts[await runAgentJob(options, job)]++;
    } catch (error) {
      if (isAmberError(error, 'INTERRUPTED')) break;
      if (options.once || !isAmberError(error, 'SERVER_UNREACHABLE')) throw error;
      outage.failed(error);
      helloDue = true;
      await waitFor(options.pollIntervalMs, stopSignal);
    }
  }
  return { jobs: counts.succeeded + counts.failed + counts.interrupted, ...counts };
}

/** Logs the start and the end of an outage, not every failed poll. */
class OutageLog {
  readonly #log: (line: string) => void;
  #down = false;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  failed(error: AmberError): void {
    if (this.#down) return;
    this.#down = true;
    this.#log(`${error.message} Retrying.`);
  }

  recovered(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#log('The server answers again.');
  }
}

function waitUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
