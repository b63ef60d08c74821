import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../clock.js';

const UNITS: readonly (readonly [ms: number, name: string])[] = [
  [MS_PER_DAY, 'day'],
  [MS_PER_HOUR, 'hour'],
  [MS_PER_MINUTE, 'minute'],
  [MS_PER_SECOND, 'second'],
];

/** `1 day`, `7 days`: a count with its unit, pluralized. */
export function countText(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * A duration in the largest unit that divides it evenly, for sentences: `72 hours`, `3 days`,
 * `30 seconds`, `1500 milliseconds`. Durations that no unit divides fall back to milliseconds.
 */
export function durationText(durationMs: number): string {
  if (durationMs !== 0) {
    for (const [unitMs, name] of UNITS) {
      if (durationMs % unitMs === 0) return countText(durationMs / unitMs, name);
    }
  }
  return countText(durationMs, 'millisecond');
}
