/**
 * Tells, as well as the data allows, what happened where an audit chain breaks. The tool is the
 * event's *original* seq: an event whose hash matches its contents under its own seq is where it was
 * written; one that matches under another seq — the one after its predecessor's (found by prevHash),
 * or a nearby one — was moved there; one that matches under none was edited. Comparing the original
 * seq of the first bad event with the seq the chain expects there tells a deletion (later than
 * expected, and the expected event is nowhere), a reordering (later, and the expected event appears
 * further on), an insertion (earlier, or an event that does not chain to its predecessor) and an edit.
 */
import { AUDIT_GENESIS_HASH, auditEventHash, type ChainedAuditEvent } from './audit-chain-hash.js';

export type AuditBreakReason = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'anchor-mismatch';

export interface AuditChainBreak {
  /** The first bad event (for a deletion: the first missing one). */
  readonly seq: number;
  readonly reason: AuditBreakReason;
  /** A sentence naming the event and what is wrong with it. */
  readonly message: string;
}

/** How far from its seq a moved event's original seq is searched for when its predecessor is gone. */
const MAX_SHIFT = 64;

/**
 * Diagnoses the break at `events[index]`, the first event a chain walk refused; the events before it
 * are intact, with seqs 1…index.
 */
export function diagnoseChainBreak(events: readonly ChainedAuditEvent[], index: number): AuditChainBreak {
  const chain = new ChainIndex(events);
  const event = chain.at(index);
  const expectedSeq = index + 1;
  const expectedPrev = index === 0 ? AUDIT_GENESIS_HASH : chain.at(index - 1).hash;
  const original = chain.originalSeq(index);
  if (original === undefined) {
    return {
      seq: event.seq,
      reason: 'edited',
      message: `Audit event ${event.seq} was edited: its hash does not match its contents.`,
    };
  }
  if (original < expectedSeq) return displaced(chain, index, original);
  if (original > expectedSeq) return skipped(chain, index, original, expectedPrev);
  if (event.prevHash === expectedPrev) {
    return {
      seq: event.seq,
      reason: 'edited',
      message: `Audit event ${event.seq} was renumbered: it was recorded as event ${original}.`,
    };
  }
  return unchained(chain, index, expectedPrev);
}

/** The event's original seq is one the intact prefix already holds: it or that prefix was inserted. */
function displaced(chain: ChainIndex, index: number, original: number): AuditChainBreak {
  const event = chain.at(index);
  const holder = original >= 1 ? chain.at(original - 1) : undefined;
  if (holder?.hash === event.hash) {
    return {
      seq: event.seq,
      reason: 'inserted',
      message: `Audit event ${event.seq} was inserted: it repeats event ${original}.`,
    };
  }
  if (holder === undefined || chain.successorsOf(event.hash).length === 0) {
    return {
      seq: event.seq,
      reason: 'inserted',
      message: `Audit event ${event.seq} was inserted: it claims to be event ${original}, which the trail already holds.`,
    };
  }
  // The rest of the chain follows this event: the events the prefix holds in its place are foreign.
  const count = index + 1 - original;
  return {
    seq: original,
    reason: 'inserted',
    message:
      `Audit event ${original} was inserted${count > 1 ? ` (and the ${count - 1} after it)` : ''}: ` +
      `the event recorded as ${original} now sits at ${event.seq}.`,
  };
}

/** The event was recorded later than the chain expects here: the expected one moved, or is gone. */
function skipped(chain: ChainIndex, index: number, original: number, expectedPrev: string): AuditChainBreak {
  const event = chain.at(index);
  const expectedSeq = index + 1;
  const moved = chain.laterOriginal(index, expectedSeq, expectedPrev);
  if (moved !== undefined) {
    const recorded = event.seq === original ? 'it' : `it was recorded as event ${original} and`;
    return {
      seq: event.seq,
      reason: 'reordered',
      message: `Audit event ${event.seq} is out of order: ${recorded} should come after event ${expectedSeq}, which appears later, at ${moved.seq}.`,
    };
  }
  const missing =
    original - 1 === expectedSeq
      ? `Audit event ${expectedSeq} was deleted`
      : `Audit events ${expectedSeq}–${original - 1} were deleted`;
  const after = expectedSeq === 1 ? 'the trail starts with' : `event ${expectedSeq - 1} is followed by`;
  const now = event.seq === original ? '' : ` (now numbered ${event.seq})`;
  return {
    seq: expectedSeq,
    reason: 'deleted',
    message: `${missing}: ${after} the event recorded as ${original}${now}.`,
  };
}

/** The event sits where it was recorded but does not name its predecessor's hash. */
function unchained(chain: ChainIndex, index: number, expectedPrev: string): AuditChainBreak {
  const event = chain.at(index);
  const previous = index === 0 ? 'it does not start the chain' : `it does not chain to event ${index}`;
  const genuine = chain.laterOriginal(index, index + 1, expectedPrev);
  if (genuine !== undefined) {
    return {
      seq: event.seq,
      reason: 'inserted',
      message: `Audit event ${event.seq} was inserted: ${previous}, and the event recorded as ${index + 1} appears later, at ${genuine.seq}.`,
    };
  }
  if (index > 0 && chain.successorsOf(event.hash).length > 0) {
    // The chain goes on from this event, so it is genuine: its predecessor was rewritten and re-hashed.
    return {
      seq: index,
      reason: 'edited',
      message: `Audit event ${index} was edited and its hash recomputed: event ${event.seq}, recorded after it, does not chain to it.`,
    };
  }
  const rewritten = index === 0 ? '' : ` (or event ${index} was rewritten with its hash recomputed)`;
  return {
    seq: event.seq,
    reason: 'inserted',
    message: `Audit event ${event.seq} was inserted: ${previous}${rewritten}.`,
  };
}

/** Lookups over the whole list, and each event's original seq (memoized). */
class ChainIndex {
  readonly #events: readonly ChainedAuditEvent[];
  readonly #byHash = new Map<string, number>();
  readonly #byPrev = new Map<string, number[]>();
  /** index → original seq; null when none fits (the contents were edited). */
  readonly #original = new Map<number, number | null>();

  constructor(events: readonly ChainedAuditEvent[]) {
    this.#events = events;
    events.forEach((event, index) => {
      if (!this.#byHash.has(event.hash)) this.#byHash.set(event.hash, index);
      const successors = this.#byPrev.get(event.prevHash);
      if (successors === undefined) this.#byPrev.set(event.prevHash, [index]);
      else successors.push(index);
    });
  }

  at(index: number): ChainedAuditEvent {
    return this.#events[index] as ChainedAuditEvent;
  }

  /** Indices of the events that name `hash` as their predecessor's. */
  successorsOf(hash: string): readonly number[] {
    return this.#byPrev.get(hash) ?? [];
  }

  /** An event after `index` that was recorded as `seq` right after the event hashed `prevHash`. */
  laterOriginal(index: number, seq: number, prevHash: string): ChainedAuditEvent | undefined {
    const found = this.successorsOf(prevHash).find((j) => j > index && this.originalSeq(j) === seq);
    return found === undefined ? undefined : this.at(found);
  }

  /**
   * The seq the event at `index` was recorded with: its own when its hash matches under it; else
   * one after its predecessor's original seq; else a nearby seq its hash matches under. Walks back
   * along prevHash links without recursion (a reordered block may be long).
   */
  originalSeq(start: number): number | undefined {
    const path: number[] = [];
    const seen = new Set<number>();
    // The original seq of the predecessor of the last event on `path` (or of `start` when path is empty).
    let base: number | undefined;
    for (let cursor: number | undefined = start; ;) {
      if (cursor === undefined || seen.has(cursor)) break;
      const known = this.#original.get(cursor);
      if (known !== undefined) {
        base = known ?? undefined;
        break;
      }
      const event = this.at(cursor);
      if (this.#matches(cursor, event.seq)) {
        this.#original.set(cursor, event.seq);
        base = event.seq;
        break;
      }
      path.push(cursor);
      seen.add(cursor);
      if (event.prevHash === AUDIT_GENESIS_HASH) {
        base = 0;
        break;
      }
      cursor = this.#byHash.get(event.prevHash);
    }
    for (let k = path.length - 1; k >= 0; k--) {
      const index = path[k] as number;
      base = base !== undefined && this.#matches(index, base + 1) ? base + 1 : this.#nearby(index);
      this.#original.set(index, base ?? null);
    }
    return base;
  }

  #nearby(index: number): number | undefined {
    const { seq } = this.at(index);
    for (let shift = 1; shift <= MAX_SHIFT; shift++) {
      if (this.#matches(index, seq + shift)) return seq + shift;
      if (seq - shift >= 1 && this.#matches(index, seq - shift)) return seq - shift;
    }
    return undefined;
  }

  #matches(index: number, seq: number): boolean {
    const event = this.at(index);
    return auditEventHash({ ...event, seq }, event.prevHash) === event.hash;
  }
}
