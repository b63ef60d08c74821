import type { ServerContext } from './server-context.js';
import { dueRuns, nextRunAt } from '../vault/schedule.js';
import { queueBackup } from './job-service.js';

/**
 * Turns policies' cron schedules into backup jobs: every tick, each protected item with an agent whose
 * policy has a schedule gets the newest run due since its last scheduled job (one catch-up at most,
 * like anacron). Jobs are unique per (item, scheduled time), so ticks and restarts never double them.
 */
export class Scheduler {
  readonly #ctx: ServerContext;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  start(everyMs: number, onError: (error: unknown) => void): void {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.tick()
        .catch(onError)
        .finally(() => {
          this.#busy = false;
        });
    }, everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /** Queues what is due now; returns the number of jobs queued. */
  async tick(): Promise<number> {
    const ctx = this.#ctx;
    const now = ctx.clock.nowMs();
    let queued = 0;
    for (const record of await ctx.vaults.list()) {
      const vault = await ctx.vaults.get(record.name);
      const [policies, items] = await Promise.all([vault.listPolicies(), vault.listItems()]);
      for (const item of items) {
        const policy = policies.find((p) => p.name === item.policy);
        if (item.state !== 'protected' || policy?.schedule === undefined) continue;
        if ((await ctx.catalog.agentOfItem(record.name, item.name)) === undefined) continue;
        const since = (await ctx.jobs.lastScheduledFor(record.name, item.name)) ?? item.createdAt;
        const [due] = dueRuns([{ key: item.name, pattern: policy.schedule, timeZone: policy.timeZone }], since, now, {
          onInvalid: () => undefined,
        });
        if (due === undefined) continue;
        const job = await queueBackup(ctx, record.name, item.name, {
          trigger: 'schedule',
          scheduledFor: due.scheduledFor,
        });
        if (job !== undefined) queued++;
      }
    }
    return queued;
  }

  /** When the policy's schedule runs next (null: on demand only). */
  async nextRunOf(vault: string, policyName: string): Promise<number | null> {
    const policy = (await (await this.#ctx.vaults.get(vault)).listPolicies()).find((p) => p.name === policyName);
    if (policy?.schedule === undefined) return null;
    try {
      return nextRunAt(policy.schedule, policy.timeZone, this.#ctx.clock.nowMs()) ?? null;
    } catch {
      return null;
    }
  }
}
