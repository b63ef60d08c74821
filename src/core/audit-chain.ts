/**
 * The audit trail's hash chain (DESIGN §1 "Audit trail"): every event carries the hash of the one
 * before it, so editing, deleting, inserting or reordering an event in the catalog breaks the chain
 * where it happened. The chain's head is written to the vault's storage from time to time as a locked
 * anchor (vault/audit-anchor.ts), which also catches a catalog truncated or rewritten as a whole.
 *
 * How an event is hashed: audit-chain-hash.ts; how a break is told apart: audit-chain-diagnosis.ts;
 * the format and what verification can and cannot detect: docs/audit.md.
 */
import { toIso } from './clock.js';
import { diagnoseChainBreak, type AuditChainBreak } from './audit-chain-diagnosis.js';
import { AUDIT_GENESIS_HASH, auditEventHash, type AuditChainHead, type ChainedAuditEvent } from './audit-chain-hash.js';

export {
  AUDIT_GENESIS_HASH,
  auditEventHash,
  canonicalAuditText,
  canonicalJson,
  type AuditChainHead,
  type ChainableAuditEvent,
  type ChainedAuditEvent,
} from './audit-chain-hash.js';
export type { AuditBreakReason, AuditChainBreak } from './audit-chain-diagnosis.js';

/** The chain head as written to storage at `at` (epoch milliseconds). */
export interface AuditAnchor extends AuditChainHead {
  readonly at: number;
}

export interface AuditVerifyReport {
  readonly ok: boolean;
  /** Events read and checked. */
  readonly checked: number;
  /** The newest event of the catalog (absent when it holds none). */
  readonly head?: AuditChainHead;
  readonly firstBad?: AuditChainBreak;
  /** Anchors compared with the catalog. */
  readonly anchorsChecked: number;
  /** The newest anchor compared (the highest seq). */
  readonly newestAnchor?: AuditAnchor;
}

/**
 * Walks a chain in seq order, one event at a time, without holding it in memory: `accept` is true
 * while each event has the next seq, its own hash matches its contents, and it names the hash of the
 * event before. Seqs start at 1 and have no gaps.
 */
export class AuditChainCursor {
  #expectedSeq = 1;
  #expectedPrev = AUDIT_GENESIS_HASH;
  #checked = 0;
  #head: AuditChainHead | undefined;

  accept(event: ChainedAuditEvent): boolean {
    this.#checked++;
    this.#head = { seq: event.seq, hash: event.hash };
    const intact =
      event.seq === this.#expectedSeq &&
      event.prevHash === this.#expectedPrev &&
      auditEventHash(event, event.prevHash) === event.hash;
    if (intact) {
      this.#expectedSeq = event.seq + 1;
      this.#expectedPrev = event.hash;
    }
    return intact;
  }

  get checked(): number {
    return this.#checked;
  }

  /** The last event seen. */
  get head(): AuditChainHead | undefined {
    return this.#head;
  }
}

/**
 * Verifies a whole chain (events in seq order, as the catalog lists them) and compares it with the
 * anchors read from storage. On a break, names the first bad event and, as well as the data allows,
 * what happened to it (see diagnoseChainBreak).
 */
export function verifyAuditChain(
  events: readonly ChainedAuditEvent[],
  anchors: readonly AuditAnchor[] = [],
): AuditVerifyReport {
  const cursor = new AuditChainCursor();
  let chainBreak: AuditChainBreak | undefined;
  for (let index = 0; index < events.length; index++) {
    if (!cursor.accept(events[index] as ChainedAuditEvent)) {
      chainBreak = diagnoseChainBreak(events, index);
      break;
    }
  }
  const last = events.at(-1);
  const hashes = new Map<number, string>();
  if (anchors.length > 0) for (const event of events) if (!hashes.has(event.seq)) hashes.set(event.seq, event.hash);
  return auditReport({
    checked: events.length,
    head: last === undefined ? undefined : { seq: last.seq, hash: last.hash },
    chainBreak,
    anchors,
    hashAt: (seq) => hashes.get(seq),
  });
}

/**
 * The report for a chain already walked: `chainBreak` is the walk's finding (if any); every anchor is
 * compared with the event of its seq (`hashAt`), and the earlier of the two findings is reported.
 */
export function auditReport(input: {
  checked: number;
  head: AuditChainHead | undefined;
  chainBreak: AuditChainBreak | undefined;
  anchors: readonly AuditAnchor[];
  hashAt: (seq: number) => string | undefined;
}): AuditVerifyReport {
  const { head, chainBreak, anchors } = input;
  const sorted = [...anchors].sort((a, b) => a.seq - b.seq);
  const anchorBreak = firstAnchorMismatch(sorted, head, input.hashAt);
  const firstBad =
    anchorBreak !== undefined && (chainBreak === undefined || anchorBreak.seq < chainBreak.seq)
      ? anchorBreak
      : chainBreak;
  const newestAnchor = sorted.at(-1);
  return {
    ok: firstBad === undefined,
    checked: input.checked,
    ...(head === undefined ? {} : { head }),
    ...(firstBad === undefined ? {} : { firstBad }),
    anchorsChecked: sorted.length,
    ...(newestAnchor === undefined ? {} : { newestAnchor }),
  };
}

function firstAnchorMismatch(
  sorted: readonly AuditAnchor[],
  head: AuditChainHead | undefined,
  hashAt: (seq: number) => string | undefined,
): AuditChainBreak | undefined {
  for (const anchor of sorted) {
    const written = `the anchor written to storage at ${toIso(anchor.at)}`;
    if (head === undefined || anchor.seq > head.seq) {
      const last = head?.seq ?? 0;
      return {
        seq: last + 1,
        reason: 'anchor-mismatch',
        message:
          `${last + 1 === anchor.seq ? `Audit event ${anchor.seq} is` : `Audit events ${last + 1}–${anchor.seq} are`} ` +
          `missing: ${written} records event ${anchor.seq}, but the catalog ` +
          `${last === 0 ? 'holds no event' : `ends at event ${last}`}; the catalog was truncated.`,
      };
    }
    const hash = hashAt(anchor.seq);
    if (hash !== anchor.hash) {
      return {
        seq: anchor.seq,
        reason: 'anchor-mismatch',
        message:
          hash === undefined
            ? `Audit event ${anchor.seq} is missing from the catalog, but ${written} records it.`
            : `Audit event ${anchor.seq} does not match ${written}: the catalog was rewritten (or truncated and refilled).`,
      };
    }
  }
  return undefined;
}
