import { ERROR_CATALOG, type ErrorCode } from '../core/error-catalog.js';
import { AmberError } from '../core/errors.js';

/**
 * What an HTTP status means when the server's answer names no code Amber knows (a proxy's error page,
 * a HEAD answer without a body, an older or newer server): the statuses the API uses for refusals keep
 * their meaning (and so their exit code); anything else is a server that answered badly.
 */
const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  416: 'INVALID_ARGUMENT',
  428: 'APPROVAL_REQUIRED',
};

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CATALOG, code);

/**
 * Translates an error answer `{ error: { code, message, details } }` into the AmberError the server
 * raised, so that the CLI's one error boundary prints it and exits exactly as in embedded mode.
 */
export function errorFromAnswer(status: number, bodyText: string, what: string): AmberError {
  const parsed = parseErrorBody(bodyText);
  if (parsed !== undefined && isErrorCode(parsed.code)) {
    const message = parsed.message ?? `${what} was refused (${parsed.code}).`;
    return new AmberError(parsed.code, message, parsed.details === undefined ? {} : { details: parsed.details });
  }
  const serverCode = parsed?.code;
  const details = { status, ...(typeof serverCode === 'string' ? { serverCode } : {}) };
  const known = STATUS_CODES[status];
  if (known !== undefined) {
    const message = parsed?.message ?? `${what} was answered with HTTP ${status}.`;
    return new AmberError(known, message, { details });
  }
  const said = parsed?.message === undefined ? '' : `: ${parsed.message}`;
  return new AmberError('SERVER_UNREACHABLE', `${what} failed: the server answered HTTP ${status}${said}.`, {
    details,
  });
}

/** A request that never got an answer (refused connection, unknown host, reset, time-out). */
export function networkError(error: unknown, baseUrl: string, what: string): AmberError {
  const reason = describeNetworkFailure(error).replace(/\.+$/, '');
  return new AmberError('SERVER_UNREACHABLE', `Cannot reach the Amber server at ${baseUrl} (${what}): ${reason}.`, {
    cause: error,
    details: { server: baseUrl },
  });
}

function describeNetworkFailure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'it did not answer in time';
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause !== undefined && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    const message = typeof cause.message === 'string' ? cause.message : undefined;
    if (message !== undefined && message !== '') return message;
    if (code !== undefined) return code;
  }
  return error instanceof Error ? error.message : String(error);
}

interface ParsedError {
  readonly code?: unknown;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

function parseErrorBody(text: string): ParsedError | undefined {
  if (text === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  return {
    code,
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
    ...(typeof details === 'object' && details !== null && !Array.isArray(details)
      ? { details: details as Record<string, unknown> }
      : {}),
  };
}
