import type { FastifyError } from 'fastify';
import { errorKind, KIND_OUTCOMES } from '../core/error-catalog.js';
import { AmberError, isAmberError } from '../core/errors.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

/**
 * The one mapping from errors to HTTP responses: an AmberError's kind decides the status (core's
 * KIND_OUTCOMES); schema failures are USAGE; anything else is INTERNAL, without a stack or a secret.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (isAmberError(error)) {
    const details = error.details;
    return {
      status: KIND_OUTCOMES[errorKind(error.code)].http,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(details === undefined || Object.keys(details).length === 0 ? {} : { details: { ...details } }),
        },
      },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation !== undefined) {
    return usage(`The request is not valid: ${fastifyError.message ?? 'it does not match the schema'}.`);
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: { error: { code: 'UPLOAD_REJECTED', message: 'The request body is too large.' } } };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return usage(fastifyError.message ?? 'The request is not valid.');
  }
  const internal = new AmberError('INTERNAL', 'An unexpected error happened in the server; it was logged.');
  return { status: 500, body: { error: { code: internal.code, message: internal.message } } };
}

function usage(message: string): { status: number; body: ErrorBody } {
  return { status: 400, body: { error: { code: 'USAGE', message } } };
}
