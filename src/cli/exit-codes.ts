import { errorKind, type ErrorKind } from '../core/error-catalog.js';
import { isAmberError } from '../core/errors.js';

/** The CLI's exit codes (DESIGN §5), mapped in this one place. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  partial: 3,
  refused: 10,
  permission: 11,
  approval: 12,
} as const;

const BY_KIND: Record<ErrorKind, number> = {
  usage: EXIT.usage,
  invalid: EXIT.error,
  not_found: EXIT.error,
  conflict: EXIT.error,
  refused: EXIT.refused,
  permission: EXIT.permission,
  approval: EXIT.approval,
  corrupt: EXIT.error,
  unavailable: EXIT.error,
  internal: EXIT.error,
};

export function exitCodeOf(error: unknown): number {
  return isAmberError(error) ? BY_KIND[errorKind(error.code)] : EXIT.error;
}
