import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AuditVerifyReport } from '../../core/audit-chain.js';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import type { AuditFilter, AuditOutcome, StoredAuditEvent } from '../../catalog/audit-event.js';
import type { VaultService } from '../../vault/vault-service.js';
import { AUDIT_CSV_COLUMNS, auditCsvRecord, auditJsonRecord, csvLine } from '../../catalog/audit-export.js';
import { withVault, type CliContext } from '../cli-context.js';
import { ServerAuditTrail } from '../../client/server-audit-trail.js';
import { serverApi } from '../server-connection.js';
import { formatInstant, formatTable, printJson } from '../format-output.js';
import { parseInstant } from './parse-options.js';

/** Events read per page while exporting. */
const EXPORT_PAGE_EVENTS = 5_000;
const OUTCOMES: readonly AuditOutcome[] = ['ok', 'refused', 'failed'];

interface FilterOptions {
  vault?: string;
  serverTrail?: boolean;
  actor?: string;
  action?: string;
  outcome?: string;
  target?: string;
  since?: string;
  until?: string;
}

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program
    .command('audit')
    .description('the audit trail: every change and every refusal, hash-chained (docs/audit.md)');
  withFilters(audit.command('list').description('list audit events, oldest first'))
    .option('--json', 'print the events as JSON')
    .action(async (options: FilterOptions & { json?: boolean }, command: Command) => {
      const filter = auditFilter(options);
      const events = await withTrail(ctx, command, options, (v) => v.listAudit(filter));
      if (options.json === true) {
        printJson(events.map(eventJson));
        return;
      }
      const rows = events.map((e) => [
        String(e.seq),
        formatInstant(e.at),
        e.actor,
        e.action,
        e.outcome,
        e.code ?? '',
        e.message,
      ]);
      process.stdout.write(
        formatTable(['#', 'At (UTC)', 'Actor', 'Action', 'Outcome', 'Code', 'Message'], rows) + '\n',
      );
    });
  withFilters(audit.command('export').description('export audit events with their hashes, oldest first'))
    .option('--format <format>', 'jsonl (one JSON object per line) or csv (RFC 4180, with a header row)', 'jsonl')
    .option('--output <file>', 'write to this file instead of standard output')
    .action(async (options: FilterOptions & { format: string; output?: string }, command: Command) => {
      const format = exportFormat(options.format);
      const filter = auditFilter(options);
      await withTrail(ctx, command, options, (v) => exportEvents(v, filter, format, options.output));
    });
  audit
    .command('verify')
    .description('check the hash chain and the anchors in storage; names the first bad event')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--server-trail', "verify the server's own trail against its anchors in the vaults' storage")
    .option('--json', 'print the report as JSON')
    .action(async (options: { vault?: string; serverTrail?: boolean; json?: boolean }, command: Command) => {
      const report = await withTrail(ctx, command, options, (v) => v.verifyAudit());
      if (options.json === true) printJson(reportJson(report));
      else if (report.ok) process.stdout.write(verifiedText(report));
      const bad = report.firstBad;
      if (bad !== undefined) {
        throw new AmberError('AUDIT_CHAIN_BROKEN', bad.message, {
          details: { seq: bad.seq, reason: bad.reason, checked: report.checked },
        });
      }
    });
}

/** What the audit commands read: a vault's trail, or (--server-trail) the server's own. */
type AuditSource = Pick<VaultService, 'listAudit' | 'verifyAudit'>;

async function withTrail<T>(
  ctx: CliContext,
  command: Command,
  options: { vault?: string; serverTrail?: boolean },
  fn: (source: AuditSource) => Promise<T>,
): Promise<T> {
  if (options.serverTrail !== true) return withVault(ctx, command, options, fn);
  return fn(new ServerAuditTrail(await serverApi(ctx, command)));
}

function withFilters(command: Command): Command {
  return command
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--server-trail', "the server's own trail (sign-ins, users, agents, approvals, clock) instead of a vault's")
    .option('--actor <actor>', 'only events of this actor, e.g. local:alice')
    .option('--action <action>', 'only this action, or the actions below it: point matches point.delete')
    .option('--outcome <outcome>', 'only events with this outcome: ok, refused or failed')
    .option('--target <target>', 'only events about this target (a point id, an item, a policy…)')
    .option('--since <instant>', 'only events at or after this ISO-8601 instant, e.g. 2026-01-31T00:00:00Z')
    .option('--until <instant>', 'only events before this ISO-8601 instant');
}

function auditFilter(options: FilterOptions): AuditFilter {
  const { actor, action, outcome, target, since, until } = options;
  if (outcome !== undefined && !OUTCOMES.includes(outcome as AuditOutcome)) {
    throw new AmberError('USAGE', `--outcome takes ok, refused or failed, not "${outcome}".`);
  }
  return {
    ...(actor === undefined ? {} : { actor }),
    ...(action === undefined ? {} : { action }),
    ...(outcome === undefined ? {} : { outcome: outcome as AuditOutcome }),
    ...(target === undefined ? {} : { target }),
    ...(since === undefined ? {} : { sinceAt: parseInstant(since, '--since') }),
    ...(until === undefined ? {} : { untilAt: parseInstant(until, '--until') }),
  };
}

function exportFormat(text: string): 'jsonl' | 'csv' {
  if (text === 'jsonl' || text === 'csv') return text;
  throw new AmberError('USAGE', `--format takes jsonl or csv, not "${text}".`);
}

/** An event as JSON shows it: the instant in ISO-8601 (millisecond precision, so nothing is lost). */
function eventJson(event: StoredAuditEvent): Record<string, unknown> {
  return { ...event, at: toIso(event.at) };
}

function reportJson(report: AuditVerifyReport): Record<string, unknown> {
  const anchor = report.newestAnchor;
  return { ...report, ...(anchor === undefined ? {} : { newestAnchor: { ...anchor, at: toIso(anchor.at) } }) };
}

function verifiedText(report: AuditVerifyReport): string {
  const head = report.head === undefined ? 'no events yet' : `head #${report.head.seq} ${report.head.hash}`;
  const anchor = report.newestAnchor;
  const anchors =
    anchor === undefined
      ? 'no anchor in storage yet (maintenance writes one; a server, every minute)'
      : `${report.anchorsChecked} anchor${report.anchorsChecked === 1 ? '' : 's'} agree; the newest, #${anchor.seq}, was written ${formatInstant(anchor.at)} UTC`;
  const checked = `${report.checked} event${report.checked === 1 ? '' : 's'} checked`;
  return `Audit trail intact: ${checked}, ${head}.\n${anchors}.\n`;
}

async function exportEvents(
  vault: AuditSource,
  filter: AuditFilter,
  format: 'jsonl' | 'csv',
  output: string | undefined,
): Promise<void> {
  const file = output === undefined ? undefined : await openOutput(output);
  const write = async (text: string): Promise<void> => {
    if (file !== undefined) await file.write(text);
    else if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  };
  try {
    if (format === 'csv') await write(csvLine(AUDIT_CSV_COLUMNS));
    for (let afterSeq = 0; ;) {
      const page = await vault.listAudit({ ...filter, afterSeq, limit: EXPORT_PAGE_EVENTS });
      const lines = page.map((e) => (format === 'csv' ? auditCsvRecord(e) : auditJsonRecord(e)));
      if (lines.length > 0) await write(lines.join(''));
      const last = page.at(-1);
      if (last === undefined || page.length < EXPORT_PAGE_EVENTS) break;
      afterSeq = last.seq;
    }
  } finally {
    await file?.close();
  }
}

async function openOutput(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'w');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AmberError('INVALID_ARGUMENT', `The export cannot be written to ${file}: ${reason}.`, { cause: error });
  }
}
