import type { AuditChainHead } from '../core/audit-chain.js';
import type { Clock } from '../core/clock.js';
import { isAmberError, type AmberError } from '../core/errors.js';
import type { Refusal } from '../core/immutability/decision.js';
import { refusalToError } from '../core/immutability/decision.js';
import type { AuditEvent } from '../catalog/audit-event.js';

/**
 * Where the trail records events: the vault catalog's hash-chained AuditLog, or one the server
 * injects (catalog/audit-log.ts implements it).
 */
export interface AuditSink {
  append(event: AuditEvent): Promise<unknown>;
  /** The newest event's seq and hash (written to storage as an anchor, see audit-anchor.ts). */
  head(): Promise<AuditChainHead | undefined>;
}

/** Records every change and every refusal of the vault service in the audit log. */
export class AuditTrail {
  /** The log the events go to. */
  readonly sink: AuditSink;
  readonly #clock: Clock;
  readonly #actorOf: () => string;

  /** `actor` names who acts; a function when one service serves many principals (the server). */
  constructor(sink: AuditSink, clock: Clock, actor: string | (() => string)) {
    this.sink = sink;
    this.#clock = clock;
    this.#actorOf = typeof actor === 'string' ? () => actor : actor;
  }

  get #actor(): string {
    return this.#actorOf();
  }

  async ok(action: string, target: string, message: string, details?: Record<string, unknown>): Promise<void> {
    await this.sink.append({
      at: this.#clock.nowMs(),
      actor: this.#actor,
      action,
      target,
      outcome: 'ok',
      message,
      ...(details === undefined ? {} : { details }),
    });
  }

  /** Records the refusal and returns the error to throw. */
  async refused(action: string, target: string, refusal: Refusal): Promise<Error> {
    const error = refusalToError(refusal);
    await this.sink.append({
      at: this.#clock.nowMs(),
      actor: this.#actor,
      action,
      target,
      outcome: 'refused',
      code: refusal.code,
      message: refusal.reason,
      details: { ...error.details },
    });
    return error;
  }

  /** Runs `work`; a refusal-kind AmberError it throws (e.g. from storage) is recorded as refused. */
  async guard<T>(action: string, target: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isAmberError(error)) {
        const refused = ['OBJECT_LOCKED', 'LEGAL_HOLD_ACTIVE', 'RETENTION_ACTIVE'].includes(error.code);
        await this.error(action, target, error, refused ? 'refused' : 'failed');
      }
      throw error;
    }
  }

  /** Records an operation that ended with `error` (refused by a rule, or failed). */
  async error(action: string, target: string, error: AmberError, outcome: 'refused' | 'failed'): Promise<void> {
    await this.sink.append({
      at: this.#clock.nowMs(),
      actor: this.#actor,
      action,
      target,
      outcome,
      code: error.code,
      message: error.message,
      details: { ...error.details },
    });
  }
}
