import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import { approvalCount, type ApprovalRequest } from '../../core/approval-rules.js';
import type { ApprovalSettings } from '../../core/approval-rules-settings.js';
import type { CliContext } from '../cli-context.js';
import { formatInstant, formatSpan, formatTable, printJson } from '../format-output.js';
import { serverApi } from '../server-connection.js';
import { parseDuration, parseWholeNumber } from './parse-options.js';

interface JsonOption {
  json?: boolean;
}

/** A request with its instants as ISO text. */
function requestJson(r: ApprovalRequest): Record<string, unknown> {
  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : toIso(ms));
  return {
    ...r,
    createdAt: toIso(r.createdAt),
    expiresAt: toIso(r.expiresAt),
    votes: r.votes.map((v) => ({ ...v, at: toIso(v.at) })),
    ...(r.decidedAt === undefined ? {} : { decidedAt: iso(r.decidedAt) }),
    ...(r.claimedAt === undefined ? {} : { claimedAt: iso(r.claimedAt) }),
    ...(r.finishedAt === undefined ? {} : { finishedAt: iso(r.finishedAt) }),
  };
}

function printRequests(requests: readonly ApprovalRequest[]): void {
  const rows = requests.map((r) => [
    r.id,
    r.operation,
    r.vault ?? '-',
    r.status,
    `${approvalCount(r)}/${r.required}`,
    r.requester,
    formatInstant(r.expiresAt),
    r.summary,
  ]);
  process.stdout.write(
    formatTable(['ID', 'Operation', 'Vault', 'Status', 'Votes', 'Requester', 'Expires (UTC)', 'Summary'], rows) + '\n',
  );
}

function printRequest(r: ApprovalRequest): void {
  const lines = [
    `${r.id}: ${r.summary}`,
    `operation:  ${r.operation}${r.vault === undefined ? '' : ` (vault ${r.vault})`}`,
    `status:     ${r.status}, ${approvalCount(r)} of ${r.required} approvals`,
    `requester:  ${r.requester}${r.reason === undefined ? '' : ` — ${r.reason}`}`,
    `created:    ${formatInstant(r.createdAt)}; expires ${formatInstant(r.expiresAt)}`,
    ...(Object.keys(r.params).length === 0 ? [] : [`parameters: ${JSON.stringify(r.params)}`]),
    ...r.votes.map(
      (v) =>
        `  ${v.decision === 'approve' ? 'approved' : 'rejected'} by ${v.voter} at ${formatInstant(v.at)}${v.comment === undefined ? '' : `: ${v.comment}`}`,
    ),
    ...(r.result === undefined ? [] : [`result:     ${JSON.stringify(r.result)}`]),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printSettings(s: ApprovalSettings, json: boolean | undefined): void {
  if (json === true) {
    printJson(s);
    return;
  }
  const lines = [
    `approvals:          ${s.enabled ? 'on' : 'off'}`,
    `approvals needed:   ${s.requiredApprovals}`,
    `requests expire:    after ${formatSpan(s.requestTtlMs)}`,
    `protected:          ${s.operations.join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const vote =
  (ctx: CliContext, decision: 'approve' | 'reject') =>
  async (id: string, options: JsonOption & { comment?: string }, command: Command): Promise<void> => {
    const api = await serverApi(ctx, command);
    const updated = await api.request<ApprovalRequest>(
      'POST',
      `/api/v1/approvals/${encodeURIComponent(id)}/${decision}`,
      {
        body: options.comment === undefined ? {} : { comment: options.comment },
      },
    );
    if (options.json === true) printJson(requestJson(updated));
    else
      process.stdout.write(`${id}: ${updated.status} (${approvalCount(updated)} of ${updated.required} approvals)\n`);
  };

export function registerApproval(program: Command, ctx: CliContext): void {
  const approval = program.command('approval').description('multi-user authorization of protected operations');
  approval
    .command('list')
    .description('list approval requests, newest first')
    .option('--status <status>', 'pending, approved, rejected, expired, cancelled, executing, executed or failed')
    .option('--json', 'print the requests as JSON')
    .action(async (options: JsonOption & { status?: string }, command: Command) => {
      const list = await (
        await serverApi(ctx, command)
      ).request<ApprovalRequest[]>('GET', '/api/v1/approvals', {
        query: { status: options.status },
      });
      if (options.json === true) printJson(list.map(requestJson));
      else printRequests(list);
    });
  approval
    .command('show')
    .argument('<id>')
    .description('show one request: summary, parameters, votes, result')
    .option('--json', 'print the request as JSON')
    .action(async (id: string, options: JsonOption, command: Command) => {
      const r = await (
        await serverApi(ctx, command)
      ).request<ApprovalRequest>('GET', `/api/v1/approvals/${encodeURIComponent(id)}`);
      if (options.json === true) printJson(requestJson(r));
      else printRequest(r);
    });
  for (const decision of ['approve', 'reject'] as const) {
    approval
      .command(decision)
      .argument('<id>')
      .description(
        decision === 'approve'
          ? 'approve (never your own request); the last approval runs it'
          : 'reject: ends the request',
      )
      .option('--comment <text>', 'why')
      .option('--json', 'print the request as JSON')
      .action(vote(ctx, decision));
  }
  approval
    .command('cancel')
    .argument('<id>')
    .description('withdraw your own pending request')
    .option('--json', 'print the request as JSON')
    .action(async (id: string, options: JsonOption, command: Command) => {
      const api = await serverApi(ctx, command);
      const r = await api.request<ApprovalRequest>('POST', `/api/v1/approvals/${encodeURIComponent(id)}/cancel`);
      if (options.json === true) printJson(requestJson(r));
      else process.stdout.write(`${id}: ${r.status}\n`);
    });
  registerRequest(approval, ctx);
  registerSettings(approval, ctx);
}

function registerRequest(approval: Command, ctx: CliContext): void {
  approval
    .command('request')
    .argument('<operation>', 'immutability.disable, retention.reduce, vault.delete, legal-hold.release, …')
    .description('ask for approval ahead of time (starting the operation itself does the same)')
    .option('--vault <name>', 'the vault the operation acts on')
    .option('--param <key=value>', 'a parameter of the operation, e.g. point=ID (repeatable)', collect, [])
    .option('--reason <text>', 'why')
    .action(
      async (operation: string, options: { vault?: string; param: string[]; reason?: string }, command: Command) => {
        const params = Object.fromEntries(
          options.param.map((p) => {
            const at = p.indexOf('=');
            if (at <= 0) throw new AmberError('USAGE', `--param takes key=value, not "${p}".`);
            return [p.slice(0, at), p.slice(at + 1)];
          }),
        );
        // An operation that needs approval answers APPROVAL_REQUIRED (exit 12) naming the request.
        const result = await (
          await serverApi(ctx, command)
        ).request<unknown>('POST', '/api/v1/approvals', {
          body: {
            operation,
            params,
            ...(options.vault === undefined ? {} : { vault: options.vault }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          },
        });
        process.stdout.write(`${operation} needed no approval and ran: ${JSON.stringify(result)}\n`);
      },
    );
}

function registerSettings(approval: Command, ctx: CliContext): void {
  approval
    .command('settings')
    .description('show or change the approval settings (a change may itself need approval: exit 12)')
    .option('--enable', 'require approvals')
    .option('--disable', 'stop requiring approvals')
    .option('--required <n>', 'approvals each request needs (M)')
    .option('--operations <list>', 'the protected operations, comma-separated')
    .option('--ttl <duration>', 'how long a request waits for its approvals, e.g. 24h')
    .option('--reason <text>', 'why the settings change')
    .option('--json', 'print the settings as JSON')
    .action(async (options: SettingsOptions, command: Command) => {
      const api = await serverApi(ctx, command);
      const patch = settingsPatch(options);
      const settings =
        Object.keys(patch).length === 0
          ? await api.request<ApprovalSettings>('GET', '/api/v1/approvals/settings')
          : await api.request<ApprovalSettings>('PUT', '/api/v1/approvals/settings', {
              body: { ...patch, ...(options.reason === undefined ? {} : { reason: options.reason }) },
            });
      printSettings(settings, options.json);
    });
}

interface SettingsOptions extends JsonOption {
  enable?: boolean;
  disable?: boolean;
  required?: string;
  operations?: string;
  ttl?: string;
  reason?: string;
}

function settingsPatch(options: SettingsOptions): Record<string, unknown> {
  if (options.enable === true && options.disable === true) {
    throw new AmberError('USAGE', 'Give --enable or --disable, not both.');
  }
  return {
    ...(options.enable === true ? { enabled: true } : {}),
    ...(options.disable === true ? { enabled: false } : {}),
    ...(options.required === undefined ? {} : { requiredApprovals: parseWholeNumber(options.required, '--required') }),
    ...(options.operations === undefined
      ? {}
      : {
          operations: options.operations
            .split(',')
            .map((o) => o.trim())
            .filter((o) => o !== ''),
        }),
    ...(options.ttl === undefined ? {} : { requestTtlMs: parseDuration(options.ttl, '--ttl') }),
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
