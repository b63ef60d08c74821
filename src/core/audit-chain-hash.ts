/**
 * The hash of one audit event (docs/audit.md §2): SHA-256, lowercase hex, of its canonical text — a
 * JSON array of a version tag, the event's fields in a fixed order, its details with object keys
 * sorted, and the hash of the event before it (64 zeros for the first).
 */
import { createHash } from 'node:crypto';

/** The previous hash of the first event of every chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Names the canonical form; a change to it gets a new tag, never a reused one. */
const CANONICAL_TAG = 'amber.audit.v1';

/** The fields of an audit event the chain covers. */
export interface ChainableAuditEvent {
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly code?: string;
  readonly message: string;
  /** JSON values only (as stored); absent means `{}`. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ChainedAuditEvent extends ChainableAuditEvent {
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The canonical text the hash covers: `["amber.audit.v1",seq,at,actor,action,target,outcome,code,
 * message,details,prevHash]`, every field JSON-encoded (code null when absent, details canonical),
 * so no two different events share a text.
 */
export function canonicalAuditText(event: ChainableAuditEvent, prevHash: string): string {
  const fields = JSON.stringify([
    CANONICAL_TAG,
    event.seq,
    event.at,
    event.actor,
    event.action,
    event.target,
    event.outcome,
    event.code ?? null,
    event.message,
  ]);
  return `${fields.slice(0, -1)},${canonicalJson(event.details ?? {})},${JSON.stringify(prevHash)}]`;
}

/** SHA-256 (lowercase hex) of the event's canonical text (UTF-8). */
export function auditEventHash(event: ChainableAuditEvent, prevHash: string): string {
  return createHash('sha256').update(canonicalAuditText(event, prevHash), 'utf8').digest('hex');
}

/**
 * JSON of a JSON value with object keys sorted by UTF-16 code units and no whitespace; undefined
 * members are left out and undefined array elements become null, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    const elements = value.map((element: unknown) => (element === undefined ? 'null' : canonicalJson(element)));
    return `[${elements.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
