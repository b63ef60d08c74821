/**
 * Compares two retention policies by what they would keep, point by point, so that a change which
 * shortens any point's retention is recognised as a reduction (DESIGN.md §2.2), however the policy is
 * written.
 *
 * A point's retention depends on which "firsts" it is for its item: first of the local day, of the ISO
 * week, of the month, of the year. The first of a week or a month is also the first of its day, and the
 * first of a year is the first of its month, which leaves 6 combinations that matter (a point that is
 * only the first of its day is kept like an untagged one: the daily period). For each combination we list
 * the keep periods the policy grants it (the point is kept the longest of them) and compare:
 * A keeps at least as long as B for that combination when every period of B is matched by one of A that
 * is at least as long on every start date. Days and weeks are exact local days; months and years are
 * calendar months, whose length in days depends on the start date (1 month = 28 to 31 days, clamping
 * included), so a month period matches a day period only when its shortest case does.
 */
import { addCivilMonths, daysFromCivil, daysInMonth } from './civil-date.js';
import type { RetentionPolicy } from './retention-policy.js';

/**
 * `a` against `b`: 'longer' (no point kept shorter, some kept longer), 'shorter' (the reverse),
 * 'equal', or 'mixed' (some point could be kept shorter and another longer, or neither can be proven).
 */
export type RetentionComparison = 'longer' | 'shorter' | 'equal' | 'mixed';

/** Compares what `a` keeps against what `b` keeps. */
export function compareRetention(a: RetentionPolicy, b: RetentionPolicy): RetentionComparison {
  const aCoversB = POINT_CLASSES.every((c) => covers(periodsFor(a, c), periodsFor(b, c)));
  const bCoversA = POINT_CLASSES.every((c) => covers(periodsFor(b, c), periodsFor(a, c)));
  if (aCoversB && bCoversA) return 'equal';
  if (aCoversB) return 'longer';
  if (bCoversA) return 'shorter';
  return 'mixed';
}

/** True when moving from `current` to `next` could keep some point for less time than before. */
export function isRetentionReduction(next: RetentionPolicy, current: RetentionPolicy): boolean {
  const comparison = compareRetention(next, current);
  return comparison === 'shorter' || comparison === 'mixed';
}

interface PointClass {
  readonly firstOfWeek: boolean;
  readonly firstOfMonth: boolean;
  readonly firstOfYear: boolean;
}

/** Every combination of "firsts" a point can be (first of day is implied by the others and irrelevant). */
const POINT_CLASSES: readonly PointClass[] = [
  { firstOfWeek: false, firstOfMonth: false, firstOfYear: false },
  { firstOfWeek: true, firstOfMonth: false, firstOfYear: false },
  { firstOfWeek: false, firstOfMonth: true, firstOfYear: false },
  { firstOfWeek: true, firstOfMonth: true, firstOfYear: false },
  { firstOfWeek: false, firstOfMonth: true, firstOfYear: true },
  { firstOfWeek: true, firstOfMonth: true, firstOfYear: true },
];

interface KeepPeriod {
  readonly unit: 'day' | 'month';
  readonly count: number;
}

/** The keep periods a policy grants a point of the class (an untagged GFS point gets the daily period). */
function periodsFor(policy: RetentionPolicy, c: PointClass): readonly KeepPeriod[] {
  if (policy.kind === 'simple') return [{ unit: 'day', count: policy.keepDays }];
  const periods: KeepPeriod[] = [{ unit: 'day', count: policy.daily }];
  if (c.firstOfWeek) periods.push({ unit: 'day', count: policy.weekly * 7 });
  if (c.firstOfMonth) periods.push({ unit: 'month', count: policy.monthly });
  if (c.firstOfYear) periods.push({ unit: 'month', count: policy.yearly * 12 });
  return periods;
}

function covers(longer: readonly KeepPeriod[], shorter: readonly KeepPeriod[]): boolean {
  return shorter.every((s) => s.count === 0 || longer.some((l) => atLeast(l, s)));
}

/** True when period `a` is at least as long as `b` whatever the start date. */
function atLeast(a: KeepPeriod, b: KeepPeriod): boolean {
  if (a.unit === b.unit) return a.count >= b.count;
  if (a.unit === 'day') return a.count >= monthSpanDays(b.count).maxDays;
  return monthSpanDays(a.count).minDays >= b.count;
}

interface DaySpan {
  readonly minDays: number;
  readonly maxDays: number;
}

const spanCache = new Map<number, DaySpan>();

/**
 * Shortest and longest length in days of `months` calendar months from any start date (one 400-year
 * Gregorian cycle covers every case), with the day-of-month clamping of addCivilMonths.
 */
export function monthSpanDays(months: number): DaySpan {
  const cached = spanCache.get(months);
  if (cached !== undefined) return cached;
  let minDays = Number.POSITIVE_INFINITY;
  let maxDays = 0;
  for (let year = 2000; year < 2400; year++) {
    for (let month = 1; month <= 12; month++) {
      for (const day of [1, 28, 29, 30, 31].filter((d) => d <= daysInMonth(year, month))) {
        const from = { year, month, day };
        const to = addCivilMonths(from, months);
        const days = daysFromCivil(to.year, to.month, to.day) - daysFromCivil(year, month, day);
        minDays = Math.min(minDays, days);
        maxDays = Math.max(maxDays, days);
      }
    }
  }
  const span = { minDays, maxDays };
  spanCache.set(months, span);
  return span;
}
