/**
 * Local calendar time in an IANA time zone, over `Intl.DateTimeFormat` (Node's full ICU) and plain
 * epoch milliseconds. Instants never come from here: callers pass them in.
 *
 * Wall times that a zone skips or repeats are resolved as Temporal's `compatible` disambiguation does:
 * - a local time that does not exist (inside a spring-forward gap) moves forward by the gap's length
 *   (Europe/Berlin 2024-03-31 02:30 → 03:30 CEST);
 * - an ambiguous local time (inside a fall-back overlap) takes the earlier offset, i.e. the earlier of
 *   the two instants (Europe/Berlin 2024-10-27 02:30 → 02:30 CEST = 00:30Z).
 * Both rules make the start of a local day the first instant that carries that date, also in zones whose
 * DST transition happens at midnight.
 */
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../clock.js';
import { AmberError } from '../errors.js';
import {
  addCivilMonths,
  civilFromDays,
  daysFromCivil,
  formatCivilDate,
  isoWeekdayOfDays,
  isoWeekOfDays,
  pad,
  type CivilDate,
  type IsoWeek,
} from './civil-date.js';

/** A local wall-clock date and time; `month` 1–12. */
export interface LocalDateTime extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** The local calendar facts of one instant in one zone. */
export interface LocalParts extends LocalDateTime, IsoWeek {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Local time minus UTC at that instant (+3_600_000 for CET). */
  readonly offsetMs: number;
}

const FORMATTER_CACHE_LIMIT = 256;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when Intl knows the zone (IANA names such as `Europe/Berlin`, `UTC`, and their aliases). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical IANA name (`europe/berlin` → `Europe/Berlin`, `US/Eastern` → `America/New_York`). */
export function canonicalTimeZone(timeZone: string): string {
  return formatterFor(timeZone).resolvedOptions().timeZone;
}

/** Local calendar parts of an instant: date, time, ISO weekday, ISO week-year and week, UTC offset. */
export function localParts(instantMs: number, timeZone: string): LocalParts {
  const localMs = localEpochMs(instantMs, timeZone);
  const days = Math.floor(localMs / MS_PER_DAY);
  const msOfDay = localMs - days * MS_PER_DAY;
  return {
    ...civilFromDays(days),
    hour: Math.floor(msOfDay / MS_PER_HOUR),
    minute: Math.floor((msOfDay % MS_PER_HOUR) / MS_PER_MINUTE),
    second: Math.floor((msOfDay % MS_PER_MINUTE) / MS_PER_SECOND),
    millisecond: msOfDay % MS_PER_SECOND,
    weekday: isoWeekdayOfDays(days),
    ...isoWeekOfDays(days),
    offsetMs: localMs - instantMs,
  };
}

/** Local time minus UTC at an instant, in milliseconds. */
export function offsetMsAt(instantMs: number, timeZone: string): number {
  return localEpochMs(instantMs, timeZone) - instantMs;
}

/** The instant of a local wall time (gaps move forward, overlaps take the earlier offset; see above). */
export function instantOfLocal(local: LocalDateTime, timeZone: string): number {
  const localMs =
    daysFromCivil(local.year, local.month, local.day) * MS_PER_DAY +
    local.hour * MS_PER_HOUR +
    local.minute * MS_PER_MINUTE +
    local.second * MS_PER_SECOND +
    local.millisecond;
  return instantOfLocalEpochMs(localMs, timeZone);
}

/** The first instant of the instant's local calendar day. */
export function startOfLocalDay(instantMs: number, timeZone: string): number {
  const localMs = localEpochMs(instantMs, timeZone);
  return instantOfLocalEpochMs(Math.floor(localMs / MS_PER_DAY) * MS_PER_DAY, timeZone);
}

/** `days` local calendar days later (or earlier when negative), at the same local wall time. */
export function addLocalDays(instantMs: number, days: number, timeZone: string): number {
  return instantOfLocalEpochMs(localEpochMs(instantMs, timeZone) + days * MS_PER_DAY, timeZone);
}

/** `months` local calendar months later at the same wall time; the day is clamped (Jan 31 + 1 → Feb 28/29). */
export function addLocalMonths(instantMs: number, months: number, timeZone: string): number {
  const localMs = localEpochMs(instantMs, timeZone);
  const days = Math.floor(localMs / MS_PER_DAY);
  const msOfDay = localMs - days * MS_PER_DAY;
  const target = addCivilMonths(civilFromDays(days), months);
  return instantOfLocalEpochMs(daysFromCivil(target.year, target.month, target.day) * MS_PER_DAY + msOfDay, timeZone);
}

/** `years` local calendar years later at the same wall time; Feb 29 + 1 year = Feb 28. */
export function addLocalYears(instantMs: number, years: number, timeZone: string): number {
  return addLocalMonths(instantMs, years * 12, timeZone);
}

/** `2024-03-31 03:30 +02:00` (seconds shown only when not zero): an instant as a person in the zone reads it. */
export function formatLocal(instantMs: number, timeZone: string): string {
  const p = localParts(instantMs, timeZone);
  const seconds = p.second === 0 && p.millisecond === 0 ? '' : `:${pad(p.second, 2)}`;
  return `${formatCivilDate(p)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}${seconds} ${formatOffset(p.offsetMs)}`;
}

/** `+02:00`, `-04:00`, `+00:53:28` (historical offsets keep their seconds). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalSeconds = Math.round(Math.abs(offsetMs) / MS_PER_SECOND);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${sign}${pad(hours, 2)}:${pad(minutes, 2)}${seconds === 0 ? '' : `:${pad(seconds, 2)}`}`;
}

/** The local wall time of an instant, written as if it were a UTC epoch-millisecond count. */
function localEpochMs(instantMs: number, timeZone: string): number {
  if (!Number.isFinite(instantMs)) {
    throw new AmberError('INVALID_ARGUMENT', `The instant ${instantMs} is not a finite epoch-millisecond number.`);
  }
  const wholeSecondMs = Math.floor(instantMs / MS_PER_SECOND) * MS_PER_SECOND;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(wholeSecondMs)) {
    const value = Number(part.value);
    if (part.type === 'year') year = value;
    else if (part.type === 'month') month = value;
    else if (part.type === 'day') day = value;
    else if (part.type === 'hour') hour = value % 24;
    else if (part.type === 'minute') minute = value;
    else if (part.type === 'second') second = value;
  }
  const wallMs =
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND;
  return wallMs + (instantMs - wholeSecondMs);
}

/**
 * The instant whose local wall time is `localMs`. Candidates use the offsets one day before and after
 * (no zone changes its offset twice within two days); a candidate is valid when it maps back to
 * `localMs`. Two valid ones: an overlap, take the earlier instant. None: a gap, apply the offset from
 * before the transition, which moves the wall time forward by the gap's length.
 */
function instantOfLocalEpochMs(localMs: number, timeZone: string): number {
  const offsetBeforeMs = offsetMsAt(localMs - MS_PER_DAY, timeZone);
  const offsetAfterMs = offsetMsAt(localMs + MS_PER_DAY, timeZone);
  const candidates = [localMs - offsetBeforeMs, localMs - offsetAfterMs];
  const valid = candidates.filter((instantMs) => localEpochMs(instantMs, timeZone) === localMs);
  return valid.length > 0 ? Math.min(...valid) : localMs - offsetBeforeMs;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new AmberError(
      'INVALID_TIME_ZONE',
      `"${timeZone}" is not a time zone this server knows; use an IANA name such as Europe/Berlin or UTC.`,
      { cause: error, details: { timeZone } },
    );
  }
  if (formatters.size >= FORMATTER_CACHE_LIMIT) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}
