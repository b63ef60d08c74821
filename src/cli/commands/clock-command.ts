import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import type { ClockAlert } from '../../catalog/time-log-store.js';
import type { AcknowledgeOutcome, ClockGuardStatus } from '../../vault/clock-guard.js';
import type { CliContext } from '../cli-context.js';
import { formatInstant, formatSpan, printJson } from '../format-output.js';
import { serverApi } from '../server-connection.js';

type ClockAnswer = ClockGuardStatus & { readonly alerts?: readonly ClockAlert[] };

function alertJson(a: ClockAlert): Record<string, unknown> {
  return {
    ...a,
    detectedAt: toIso(a.detectedAt),
    ...(a.acknowledgedAt === undefined ? {} : { acknowledgedAt: toIso(a.acknowledgedAt) }),
  };
}

function statusJson(s: ClockAnswer): Record<string, unknown> {
  return {
    ...s,
    ...(s.alert === undefined ? {} : { alert: alertJson(s.alert) }),
    ...(s.alerts === undefined ? {} : { alerts: s.alerts.map(alertJson) }),
    ...(s.lastSample === undefined ? {} : { lastSample: { ...s.lastSample, wallAt: toIso(s.lastSample.wallMs) } }),
  };
}

function printStatus(s: ClockAnswer): void {
  const lines = [
    s.frozen && s.alert !== undefined
      ? `expiry:        FROZEN since ${formatInstant(s.alert.detectedAt)} — ${s.alert.message}`
      : 'expiry:        running',
    `clock jumps:   ${formatSpan(s.accumulatedMs)} accumulated of a ${formatSpan(s.toleranceMs)} tolerance`,
    `last sample:   ${s.lastSample === undefined ? 'none yet' : formatInstant(s.lastSample.wallMs)}`,
    ...(s.frozen ? ['Make the clock right, then: amber clock acknowledge --note "…"'] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerClock(program: Command, ctx: CliContext): void {
  const clock = program.command('clock').description("the server's clock guard: clock jumps freeze expiry");
  clock
    .command('status')
    .description('whether expiry is frozen, the open alert, the accumulated clock jumps')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const status = await (await serverApi(ctx, command)).request<ClockAnswer>('GET', '/api/v1/clock');
      if (options.json === true) printJson(statusJson(status));
      else printStatus(status);
    });
  clock
    .command('acknowledge')
    .description('acknowledge a clock jump once the clock is right: expiry resumes (may need approval: exit 12)')
    .requiredOption('--note <text>', 'what was wrong with the clock and what was done')
    .option('--json', 'print the result as JSON')
    .action(async (options: { note: string; json?: boolean }, command: Command) => {
      const api = await serverApi(ctx, command);
      const outcome = await api.request<AcknowledgeOutcome>('POST', '/api/v1/clock/acknowledge', {
        body: { note: options.note },
      });
      if (options.json === true) {
        printJson({ ...outcome, acknowledged: outcome.acknowledged.map(alertJson) });
        return;
      }
      process.stdout.write(
        `acknowledged ${outcome.acknowledged.length} alert${outcome.acknowledged.length === 1 ? '' : 's'}; ` +
          `${formatSpan(outcome.resetAccumulatedMs)} of accumulated clock jumps reset; expiry resumes\n`,
      );
    });
}
