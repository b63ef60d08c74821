import type { ServerContext } from './server-context.js';

/** In-process counters for /metrics (Prometheus text format 0.0.4). */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, { sum: number; count: number }>();
  readonly #errors = new Map<string, number>();
  readonly #counters = new Map<string, number>();

  countRequest(route: string, method: string, status: number, elapsedMs: number): void {
    const key = `method="${method}",route="${escape(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const durationKey = `method="${method}",route="${escape(route)}"`;
    const duration = this.#durations.get(durationKey) ?? { sum: 0, count: 0 };
    duration.sum += elapsedMs / 1000;
    duration.count++;
    this.#durations.set(durationKey, duration);
  }

  countError(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** Counts an event such as `uploaded_bytes` or `points_committed`. */
  add(name: string, amount = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + amount);
  }

  lines(): string[] {
    const out = ['# TYPE amber_http_requests_total counter'];
    for (const [labels, n] of this.#requests) out.push(`amber_http_requests_total{${labels}} ${n}`);
    out.push('# TYPE amber_http_request_duration_seconds summary');
    for (const [labels, { sum, count }] of this.#durations) {
      out.push(`amber_http_request_duration_seconds_sum{${labels}} ${sum.toFixed(6)}`);
      out.push(`amber_http_request_duration_seconds_count{${labels}} ${count}`);
    }
    out.push('# TYPE amber_errors_total counter');
    for (const [code, n] of this.#errors) out.push(`amber_errors_total{code="${code}"} ${n}`);
    for (const [name, n] of this.#counters) out.push(`# TYPE amber_${name}_total counter`, `amber_${name}_total ${n}`);
    return out;
  }
}

export async function renderMetrics(ctx: ServerContext): Promise<string> {
  const lines = ctx.metrics.lines();
  const jobs = await ctx.jobs.countByStatus();
  lines.push('# TYPE amber_jobs gauge');
  for (const status of ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const) {
    lines.push(`amber_jobs{status="${status}"} ${jobs.get(status) ?? 0}`);
  }
  lines.push('# TYPE amber_vaults gauge', `amber_vaults ${(await ctx.vaults.list()).length}`);
  lines.push('# TYPE amber_backup_sessions gauge', `amber_backup_sessions ${ctx.sessions.size}`);
  const clock = await ctx.clockStatus();
  lines.push('# TYPE amber_clock_expiry_frozen gauge', `amber_clock_expiry_frozen ${clock.frozen ? 1 : 0}`);
  return lines.join('\n') + '\n';
}

function escape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}
