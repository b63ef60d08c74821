import type { ErrorCode } from './error-catalog.js';

export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error class of Amber. `code` is stable (docs/errors.md); `message` is a sentence a person
 * understands (what, why, until when); `details` carries machine-readable facts (object names,
 * dates); `cause` keeps the foreign error it translates.
 */
export class AmberError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AmberError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isAmberError(error: unknown, code?: ErrorCode): error is AmberError {
  return error instanceof AmberError && (code === undefined || error.code === code);
}

/** The value as an Error to rethrow: itself when it is one, else an INTERNAL AmberError naming it. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new AmberError('INTERNAL', `A non-error value was thrown: ${String(value)}`);
}
