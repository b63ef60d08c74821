import type { Clock } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import type { Refusal } from '../core/immutability/decision.js';
import { refusalToError } from '../core/immutability/decision.js';
import type { Catalog } from '../catalog/catalog.js';

/** Records every change and every refusal of the vault service in the catalog's audit table. */
export class AuditTrail {
  readonly #catalog: Catalog;
  readonly #clock: Clock;
  readonly #actor: string;

  constructor(catalog: Catalog, clock: Clock, actor: string) {
    this.#catalog = catalog;
    this.#clock = clock;
    this.#actor = actor;
  }

  async ok(action: string, target: string, message: string, details?: Record<string, unknown>): Promise<void> {
    await this.#catalog.appendAudit({
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
    await this.#catalog.appendAudit({
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
        await this.#catalog.appendAudit({
          at: this.#clock.nowMs(),
          actor: this.#actor,
          action,
          target,
          outcome: ['OBJECT_LOCKED', 'LEGAL_HOLD_ACTIVE', 'RETENTION_ACTIVE'].includes(error.code)
            ? 'refused'
            : 'failed',
          code: error.code,
          message: error.message,
          details: { ...error.details },
        });
      }
      throw error;
    }
  }
}
