/**
 * Lock generations (DESIGN.md §3.3): storage lock ends are rounded UP to the next generation boundary.
 *
 * Deduplicated data is shared: a pack written once is referenced by every later point that reuses its
 * blobs, and each of those points needs the pack locked until its own retainUntil. Extending the lock
 * on every backup costs one storage request per reused object per backup. Rounding the lock end up to
 * a boundary (every `generationDays` from `originMs`) means one extension covers every backup whose
 * required end falls in the same generation window, so a pack reused daily is extended about once per
 * generation instead of once per backup.
 *
 * The trade-off: an object may stay locked up to `generationDays` (strictly less) longer than the exact
 * requirement, so storage is held that much longer and a vault's max-retention guardrail must allow
 * for it; in exchange the extension requests drop to about 1/generationDays of the naive count (see
 * docs/retention.md for the measured figures). Boundaries are absolute UTC instants, not local days:
 * storage retention dates are instants, and every object of a vault shares the same boundaries.
 */
import { MS_PER_DAY } from '../clock.js';
import { AmberError } from '../errors.js';

export const DEFAULT_LOCK_GENERATION_DAYS = 10;

export interface LockGenerationOptions {
  /** Length of a generation window in days (may be fractional, for tests); default 10. */
  readonly generationDays?: number;
  /** An instant on the boundary grid, epoch milliseconds; default 0 (the Unix epoch). */
  readonly originMs?: number;
}

/** The storage lock end for a required end: `requiredUntil` rounded up to the next generation boundary. */
export function lockUntilFor(requiredUntil: number, options: LockGenerationOptions = {}): number {
  const generationMs = generationMsOf(options);
  const originMs = options.originMs ?? 0;
  if (!Number.isFinite(requiredUntil) || !Number.isFinite(originMs)) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `A lock end (${requiredUntil}) and generation origin (${originMs}) must be finite epoch milliseconds.`,
    );
  }
  const generations = Math.ceil((requiredUntil - originMs) / generationMs);
  return originMs + generations * generationMs;
}

/** True when the object's current lock (null or undefined: none) ends before the required end. */
export function needsExtension(currentLockUntil: number | null | undefined, requiredUntil: number): boolean {
  return currentLockUntil === null || currentLockUntil === undefined || currentLockUntil < requiredUntil;
}

/**
 * The new lock end to request when the object needs an extension to cover `requiredUntil`, or null when
 * its current lock already does (no storage request at all).
 */
export function lockExtensionFor(
  currentLockUntil: number | null | undefined,
  requiredUntil: number,
  options: LockGenerationOptions = {},
): number | null {
  return needsExtension(currentLockUntil, requiredUntil) ? lockUntilFor(requiredUntil, options) : null;
}

function generationMsOf(options: LockGenerationOptions): number {
  const generationDays = options.generationDays ?? DEFAULT_LOCK_GENERATION_DAYS;
  const generationMs = Math.round(generationDays * MS_PER_DAY);
  if (!Number.isFinite(generationDays) || generationMs < 1) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The lock generation must be a positive number of days; got ${generationDays}.`,
      { details: { generationDays } },
    );
  }
  return generationMs;
}
