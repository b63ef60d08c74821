import { toIso } from '../core/clock.js';
import type { StoredAuditEvent } from './audit-event.js';

/** The columns of an audit export in CSV, in order. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'target',
  'outcome',
  'code',
  'message',
  'details',
  'prevHash',
  'hash',
] as const;

/** One CSV record (RFC 4180): a field with a comma, quote, CR or LF is quoted, quotes doubled; CRLF ends it. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')}\r\n`;
}

export function auditCsvRecord(event: StoredAuditEvent): string {
  return csvLine([
    String(event.seq),
    toIso(event.at),
    event.actor,
    event.action,
    event.target,
    event.outcome,
    event.code ?? '',
    event.message,
    JSON.stringify(event.details ?? {}),
    event.prevHash,
    event.hash,
  ]);
}

/** An event as one JSON-lines record: every field, the time in ISO-8601. */
export function auditJsonRecord(event: StoredAuditEvent): string {
  return `${JSON.stringify({ ...event, at: toIso(event.at) })}\n`;
}

/** Events as a whole CSV document (header row first). */
export function auditCsv(events: readonly StoredAuditEvent[]): string {
  return csvLine(AUDIT_CSV_COLUMNS) + events.map(auditCsvRecord).join('');
}
