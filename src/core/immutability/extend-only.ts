import { toIso } from '../clock.js';

export type RetentionChangeOutcome = 'extended' | 'unchanged' | 'kept' | 'shortened';

export interface RetentionChange {
  /** The retainUntil to store. */
  readonly retainUntil: number;
  /** `kept`: a shortening refused because immutability is on; the current retainUntil stays. */
  readonly outcome: RetentionChangeOutcome;
  readonly reason: string;
}

/**
 * The retainUntil an existing point gets when its retention is recomputed (DESIGN §2.2): while
 * immutability is on, retention is extend-only — never shorter than it is; when off, it may shorten.
 */
export function extendOnly(
  currentRetainUntil: number,
  proposedRetainUntil: number,
  immutabilityOn: boolean,
): RetentionChange {
  const current = toIso(currentRetainUntil);
  const proposed = toIso(proposedRetainUntil);
  if (proposedRetainUntil > currentRetainUntil) {
    return {
      retainUntil: proposedRetainUntil,
      outcome: 'extended',
      reason: `The retention was extended from ${current} to ${proposed}.`,
    };
  }
  if (proposedRetainUntil === currentRetainUntil) {
    return { retainUntil: currentRetainUntil, outcome: 'unchanged', reason: `The retention stays until ${current}.` };
  }
  if (immutabilityOn) {
    return {
      retainUntil: currentRetainUntil,
      outcome: 'kept',
      reason: `The retention stays until ${current}: immutability is on, so retention can only be extended, never shortened to ${proposed}.`,
    };
  }
  return {
    retainUntil: proposedRetainUntil,
    outcome: 'shortened',
    reason: `The retention was shortened from ${current} to ${proposed}, as immutability is off.`,
  };
}
