import { Cron } from 'croner';
import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { isValidTimeZone } from '../core/retention/zoned-time.js';

/** One thing that runs on a schedule (e.g. a protected item under its policy's cron schedule). */
export interface ScheduleEntry {
  readonly key: string;
  /** A cron expression: 5 fields, 6 with seconds first, or a nickname such as `@daily`. */
  readonly pattern: string;
  /** The IANA time zone the pattern's times are read in. */
  readonly timeZone: string;
}

/** A run that is due: the newest scheduled instant of `key` in the window asked about. */
export interface DueRun {
  readonly key: string;
  readonly scheduledFor: number;
}

const EXAMPLE = '"30 2 * * *" (02:30 every day)';
/** Any instant will do as a reference: cron patterns repeat within a few years. */
const REFERENCE_ISO = '2001-01-01T00:00:00.000Z';

/**
 * The cron job for a pattern, paused (it never runs anything: it only computes instants). Times are
 * read in `timeZone`; on a day when the clock springs forward, a fixed time inside the gap (02:30 in
 * Europe/Berlin) runs at the first instant after it (03:00); on a day when it falls back, a fixed
 * time runs once, at its first occurrence, while a repeating pattern runs on both occurrences.
 */
function cronFor(pattern: string, timeZone: string): Cron {
  if (!isValidTimeZone(timeZone)) {
    throw new AmberError(
      'INVALID_TIME_ZONE',
      `"${timeZone}" is not a time zone this server knows; use an IANA name such as Europe/Berlin or UTC.`,
      { details: { timeZone } },
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern.trim(), { timezone: timeZone, paused: true, mode: '5-or-6-parts' });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
    throw new AmberError(
      'INVALID_ARGUMENT',
      `"${pattern}" is not a cron schedule Amber accepts (${reason}): give 5 fields (minute hour ` +
        `day-of-month month day-of-week), 6 with seconds first, or @hourly, @daily, @weekly, @monthly or ` +
        `@yearly; for example ${EXAMPLE}.`,
      { cause: error, details: { pattern } },
    );
  }
  return cron;
}

/** The instant croner returned, as epoch milliseconds. */
function instantOf(date: Date | null | undefined): number | undefined {
  return date === null || date === undefined ? undefined : date.getTime();
}

/**
 * Checks a schedule before it is saved: a cron expression croner reads in `timeZone`, which runs at
 * least once. Throws INVALID_ARGUMENT (or INVALID_TIME_ZONE) with a sentence that says what is wrong.
 */
export function validateSchedule(pattern: string, timeZone: string): void {
  const cron = cronFor(pattern, timeZone);
  if (instantOf(cron.nextRun(REFERENCE_ISO)) === undefined) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `"${pattern}" never runs: no date matches it (such as the 31st of February); for example ${EXAMPLE}.`,
      { details: { pattern } },
    );
  }
}

/** The first scheduled instant strictly after `afterMs`; undefined when the pattern never runs again. */
export function nextRunAt(pattern: string, timeZone: string, afterMs: number): number | undefined {
  return instantOf(cronFor(pattern, timeZone).nextRun(toIso(afterMs)));
}

/** The newest scheduled instant in (sinceMs, nowMs], or undefined. */
function latestRunIn(cron: Cron, sinceMs: number, nowMs: number): number | undefined {
  // previousRuns excludes an instant equal to its reference: 1 ms later makes nowMs itself count.
  const latest = instantOf(cron.previousRuns(1, toIso(nowMs + 1))[0]);
  return latest !== undefined && latest > sinceMs && latest <= nowMs ? latest : undefined;
}

/**
 * What is due between two scheduler ticks: for each schedule, the newest instant in (sinceMs, nowMs].
 * At most one run per key, however many instants the window holds: a server that was down for a week
 * runs one catch-up backup per item, not seven (like anacron). Pure; time comes in as arguments.
 *
 * An invalid schedule throws (INVALID_ARGUMENT / INVALID_TIME_ZONE, naming its key in `details`),
 * unless `onInvalid` is given: then it is reported there and skipped, and the others still run.
 */
export function dueRuns(
  schedules: readonly ScheduleEntry[],
  sinceMs: number,
  nowMs: number,
  options: { onInvalid?: (key: string, error: AmberError) => void } = {},
): DueRun[] {
  const due: DueRun[] = [];
  if (nowMs <= sinceMs) return due;
  for (const { key, pattern, timeZone } of schedules) {
    let cron: Cron;
    try {
      cron = cronFor(pattern, timeZone);
    } catch (error) {
      if (!(error instanceof AmberError)) throw error;
      const named = new AmberError(error.code, error.message, { cause: error, details: { ...error.details, key } });
      if (options.onInvalid === undefined) throw named;
      options.onInvalid(key, named);
      continue;
    }
    const scheduledFor = latestRunIn(cron, sinceMs, nowMs);
    if (scheduledFor !== undefined) due.push({ key, scheduledFor });
  }
  return due;
}
