import { errorKind, KIND_OUTCOMES } from '../core/error-catalog.js';
import { isAmberError } from '../core/errors.js';

/** The CLI's exit codes (DESIGN §5); errors map to them by kind (KIND_OUTCOMES in core/error-catalog.ts). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  partial: 3,
  refused: 10,
  permission: 11,
  approval: 12,
} as const;

export function exitCodeOf(error: unknown): number {
  return isAmberError(error) ? KIND_OUTCOMES[errorKind(error.code)].exit : EXIT.error;
}
