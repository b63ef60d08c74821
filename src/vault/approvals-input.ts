import { AmberError } from '../core/errors.js';
import { canonicalJson } from '../catalog/approval-store.js';

/** Largest params object a request may carry, as canonical JSON. */
export const MAX_PARAMS_BYTES = 64 * 1024;
const DEFAULT_MAX_TEXT_LENGTH = 1000;

/** A text field of an approval (requester, vault, summary, reason, comment): absent, or 1..maxLength characters. */
export function checkText(
  name: string,
  value: string | undefined,
  options: { readonly maxLength?: number } = {},
): void {
  if (value === undefined) return;
  const maxLength = options.maxLength ?? DEFAULT_MAX_TEXT_LENGTH;
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The approval's ${name} must be text of 1 to ${maxLength} characters (not blank).`,
      { details: { field: name } },
    );
  }
}

/** Params are a plain JSON object of bounded size, so they store, compare and travel as JSON unchanged. */
export function checkParams(params: unknown): void {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new AmberError('INVALID_ARGUMENT', 'The params of an approval request must be a JSON object.', {
      details: { field: 'params' },
    });
  }
  let text: string;
  try {
    text = canonicalJson(params);
  } catch (error) {
    throw new AmberError('INVALID_ARGUMENT', 'The params of an approval request cannot be written as JSON.', {
      cause: error,
      details: { field: 'params' },
    });
  }
  const sizeBytes = Buffer.byteLength(text);
  if (sizeBytes > MAX_PARAMS_BYTES) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The params of an approval request take ${sizeBytes} bytes as JSON; at most ${MAX_PARAMS_BYTES} are allowed.`,
      { details: { field: 'params', sizeBytes, maxBytes: MAX_PARAMS_BYTES } },
    );
  }
}
