/**
 * Proleptic Gregorian calendar arithmetic on plain numbers (no Date, no time zone): the day count of a
 * calendar date since 1970-01-01 and back, leap years, month lengths and ISO-8601 weeks. The algorithms
 * are Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for every year a JS number holds.
 */

/** A calendar date; `month` is 1–12 and `day` 1–31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The ISO-8601 week of a date: the week-year (which may differ from the calendar year) and week 1–53. */
export interface IsoWeek {
  readonly isoWeekYear: number;
  readonly isoWeek: number;
}

const DAYS_PER_ERA = 146_097; // 400 Gregorian years
const DAYS_FROM_0000_03_01_TO_EPOCH = 719_468;

/** Days since 1970-01-01 of a calendar date (negative before it). The day may overflow its month. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - DAYS_FROM_0000_03_01_TO_EPOCH;
}

/** The calendar date `days` days after 1970-01-01. */
export function civilFromDays(days: number): CivilDate {
  const z = days + DAYS_FROM_0000_03_01_TO_EPOCH;
  const era = Math.floor(z / DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in a month (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return MONTH_DAYS[month - 1] ?? 31;
}

/** ISO weekday of a day count: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekdayOfDays(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** ISO-8601 week of a day count: the week (Monday–Sunday) belongs to the year holding its Thursday. */
export function isoWeekOfDays(days: number): IsoWeek {
  const thursday = days - isoWeekdayOfDays(days) + 4;
  const isoWeekYear = civilFromDays(thursday).year;
  const isoWeek = Math.floor((thursday - daysFromCivil(isoWeekYear, 1, 1)) / 7) + 1;
  return { isoWeekYear, isoWeek };
}

/**
 * The date `months` calendar months after `date`, the day clamped to the target month's length
 * (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year; Feb 29 + 12 months = Feb 28).
 */
export function addCivilMonths(date: CivilDate, months: number): CivilDate {
  const monthIndex = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** `2024-03-05`: a date as ISO-8601 text (years 0–9999 padded to four digits). */
export function formatCivilDate(date: CivilDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** `2020-W53`. */
export function formatIsoWeek(week: IsoWeek): string {
  return `${pad(week.isoWeekYear, 4)}-W${pad(week.isoWeek, 2)}`;
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
