/**
 * The only source of time in Amber. Rules and services receive a Clock; nothing else reads the wall
 * clock (enforced by lint: `Date.now()` and `new Date()` are banned outside this file).
 */
export interface Clock {
  /** Wall-clock time, milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Monotonic time in milliseconds from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** ISO-8601 (UTC, millisecond precision) for an epoch-millisecond instant. */
export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Parses an ISO-8601 instant; returns undefined when the text is not one. */
export function parseIso(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;
