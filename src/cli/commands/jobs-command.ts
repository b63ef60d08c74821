import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import type { JobView } from '../../client/api-views.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatDuration, formatInstantCell, formatTable, printJson } from '../format-output.js';
import { serverApi } from '../server-connection.js';
import { parseWholeNumber } from './parse-options.js';

interface JobsOptions {
  vault?: string;
  item?: string;
  status?: string;
  limit?: string;
  json?: boolean;
}

/** A job with its instants as ISO text (the --json of every command prints times so). */
function jobJson(job: JobView): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : toIso(ms));
  return {
    ...job,
    createdAt: toIso(job.createdAt),
    scheduledFor: iso(job.scheduledFor),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

function progressText(job: JobView): string {
  const p = job.progress;
  if (job.status !== 'running' || p === null) return '';
  const files = p['filesDone'] ?? 0;
  const total = p['filesTotal'] ?? 0;
  return `${files}/${total} files, ${formatBytes(p['bytesDone'] ?? 0)} of ${formatBytes(p['bytesTotal'] ?? 0)}`;
}

function printJobs(jobs: readonly JobView[]): void {
  const rows = jobs.map((j) => [
    j.id,
    j.kind,
    j.vault,
    j.item,
    j.agent ?? '-',
    j.status,
    formatInstantCell(j.createdAt),
    j.durationMs === null ? '-' : formatDuration(j.durationMs),
    j.files === null ? '-' : String(j.files),
    j.bytes === null ? '-' : formatBytes(j.bytes),
    progressText(j) || (j.message ?? ''),
  ]);
  process.stdout.write(
    formatTable(
      ['ID', 'Kind', 'Vault', 'Item', 'Agent', 'Status', 'Created (UTC)', 'Duration', 'Files', 'Size', 'Message'],
      rows,
    ) + `\n${jobs.length} job${jobs.length === 1 ? '' : 's'}\n`,
  );
}

function printJob(job: JobView): void {
  const lines = [
    `job ${job.id}: ${job.kind} of ${job.item} in vault ${job.vault} (${job.trigger}, requested by ${job.requestedBy})`,
    `status:     ${job.status}${job.message === null ? '' : ` — ${job.message}`}`,
    `agent:      ${job.agent ?? '-'}`,
    `created:    ${formatInstantCell(job.createdAt)}`,
    `started:    ${formatInstantCell(job.startedAt)}`,
    `finished:   ${formatInstantCell(job.finishedAt)}`,
    ...(job.pointId === null ? [] : [`point:      ${job.pointId}`]),
    ...(job.files === null ? [] : [`files:      ${job.files} (${formatBytes(job.bytes ?? 0)})`]),
    ...(job.addedBytes === null ? [] : [`new data:   ${formatBytes(job.addedBytes)}`]),
    ...(job.durationMs === null ? [] : [`duration:   ${formatDuration(job.durationMs)}`]),
    ...(job.warnings === null || job.warnings === 0 ? [] : [`warnings:   ${job.warnings} unreadable files`]),
    ...(progressText(job) === '' ? [] : [`progress:   ${progressText(job)}`]),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerJobs(program: Command, ctx: CliContext): void {
  const jobs = program.command('jobs');
  jobs
    .command('show')
    .argument('<id>', 'the job id')
    .description('show one job: status, timing, files, bytes, result')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const job = await (
        await serverApi(ctx, command)
      ).request<JobView>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`);
      if (options.json === true) printJson(jobJson(job));
      else printJob(job);
    });
  jobs
    .description('job history on the server: scheduled and on-demand backups and restores, newest first')
    .option('--vault <name>', "only this vault's jobs")
    .option('--item <name>', "only this item's jobs")
    .option('--status <status>', 'queued, running, succeeded, failed or canceled')
    .option('--limit <n>', 'at most this many jobs (default 200)')
    .option('--json', 'print the jobs as JSON')
    .action(async (options: JobsOptions, command: Command) => {
      const list = await (
        await serverApi(ctx, command)
      ).request<JobView[]>('GET', '/api/v1/jobs', {
        query: {
          vault: options.vault,
          item: options.item,
          status: options.status,
          limit: options.limit === undefined ? undefined : parseWholeNumber(options.limit, '--limit'),
        },
      });
      if (options.json === true) printJson(list.map(jobJson));
      else printJobs(list);
    });
}
