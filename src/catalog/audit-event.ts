/** One audit event: who did what to what, and how it ended (DESIGN §1, §4). */
export interface AuditEvent {
  readonly at: number;
  readonly actor: string;
  /** Dotted action name, e.g. `point.delete`, `immutability.enable`. */
  readonly action: string;
  /** What was acted on: a point id, a vault id, a policy or item name. */
  readonly target: string;
  readonly outcome: 'ok' | 'refused' | 'failed';
  readonly code?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface StoredAuditEvent extends AuditEvent {
  readonly seq: number;
}
