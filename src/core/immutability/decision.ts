import { toIso } from '../clock.js';
import type { ErrorCode } from '../error-catalog.js';
import { AmberError } from '../errors.js';

/**
 * A rule's refusal: a stable code, a sentence a person understands (what, why, until when — dates in
 * ISO-8601), the instant the refusal lapses by itself when there is one, and machine-readable facts.
 */
export interface Refusal {
  readonly allowed: false;
  readonly code: ErrorCode;
  readonly reason: string;
  /** Epoch milliseconds after which the same request would no longer be refused for this reason. */
  readonly until?: number;
  readonly details?: Record<string, unknown>;
}

/** The outcome of a rule: allowed, or refused with its reason. Rules never answer with a bare boolean. */
export type Decision = { readonly allowed: true } | Refusal;

export const ALLOWED: Decision = Object.freeze({ allowed: true });

/** A Refusal; `until` and `details` are left out when not given (exactOptionalPropertyTypes). */
export function refuse(
  code: ErrorCode,
  reason: string,
  options: { readonly until?: number | undefined; readonly details?: Record<string, unknown> } = {},
): Refusal {
  return {
    allowed: false,
    code,
    reason,
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.details === undefined ? {} : { details: options.details }),
  };
}

/** The refusal as the AmberError to throw at the edge; `details.until` carries `until` as ISO-8601. */
export function refusalToError(refusal: Refusal): AmberError {
  const details = { ...refusal.details, ...(refusal.until === undefined ? {} : { until: toIso(refusal.until) }) };
  return new AmberError(refusal.code, refusal.reason, { details });
}
