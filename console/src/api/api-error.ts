/**
 * An error answer of the API, as `{ "error": { code, message, details? } }` carries it. `message` is
 * the server's sentence (what, why, until when) and is what the console shows.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(status: number, code: string, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The approval request a 428 APPROVAL_REQUIRED answer names. */
  get approvalId(): string | undefined {
    const id = this.details?.['approvalId'];
    return typeof id === 'string' ? id : undefined;
  }
}

/** Any thrown value as an ApiError (a network failure is NETWORK_ERROR with status 0). */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(0, 'NETWORK_ERROR', `The server could not be reached (${message}).`);
}

/** Reads an error answer; an answer that is not the API's JSON error keeps its status and text. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error !== undefined && typeof error.code === 'string' && typeof error.message === 'string') {
      const details =
        typeof error.details === 'object' && error.details !== null
          ? (error.details as Record<string, unknown>)
          : undefined;
      return new ApiError(response.status, error.code, error.message, details);
    }
  } catch {
    // Not JSON: fall through.
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The server answered ${response.status}: ${text.slice(0, 200)}`);
}
