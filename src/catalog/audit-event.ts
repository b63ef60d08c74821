/** One audit event: who did what to what, and how it ended (DESIGN §1, §4). */
export interface AuditEvent {
  readonly at: number;
  readonly actor: string;
  /** Dotted action name, e.g. `point.delete`, `immutability.enable`. */
  readonly action: string;
  /** What was acted on: a point id, a vault id, a policy or item name. */
  readonly target: string;
  readonly outcome: AuditOutcome;
  readonly code?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** An event as the audit log holds it: numbered, and chained to the one before (core/audit-chain.ts). */
export interface StoredAuditEvent extends AuditEvent {
  readonly seq: number;
  /** The hash of the event before (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 (hex) of this event's canonical text, which includes prevHash. */
  readonly hash: string;
}

/** Which events to list; every given condition must hold. */
export interface AuditFilter {
  /** Only events after this seq (paging). */
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly actor?: string;
  /** An action, or a dotted prefix of one: `point` matches `point.create` and `point.delete`. */
  readonly action?: string;
  readonly outcome?: AuditOutcome;
  readonly target?: string;
  /** Events at or after this instant (epoch milliseconds). */
  readonly sinceAt?: number;
  /** Events before this instant (epoch milliseconds). */
  readonly untilAt?: number;
}
