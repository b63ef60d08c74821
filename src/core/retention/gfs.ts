/**
 * The retention of a new recovery point (DESIGN.md §2.3): `retainUntil` and the GFS tags it earns,
 * with the reasons as sentences. Pure: the server passes its own creation time (`createdAt`, from its
 * Clock, never a client's timestamp) and the creation times of the item's earlier points.
 *
 * Rules:
 * - simple: retainUntil = createdAt + keepDays local calendar days (same local wall time); no tags.
 * - GFS: the point earns a tier's tag when the tier is on and it is the FIRST point of the item in its
 *   local day (daily), ISO week (weekly), calendar month (monthly) or calendar year (yearly), in the
 *   policy's time zone. retainUntil = the latest of createdAt + each earned tier's period (N local days,
 *   N×7 local days, N calendar months, N calendar years; day of month clamped).
 * - GFS, no tag earned: kept for the daily period when daily > 0 (a second backup of the day lives as
 *   long as the first), otherwise not retained beyond its creation (retainUntil = createdAt: it may
 *   expire at once, and the next expiry pass removes it).
 * - Earlier points are those created at or before createdAt (one created in the same millisecond came
 *   first); later ones are ignored, so a late-arriving list cannot take a tag away after the fact.
 */
import { MS_PER_DAY, toIso } from '../clock.js';
import { AmberError } from '../errors.js';
import { daysFromCivil, formatCivilDate, formatIsoWeek, pad } from './civil-date.js';
import { assertValidRetentionPolicy, GFS_TIERS, type GfsTier, type RetentionPolicy } from './retention-policy.js';
import {
  addLocalDays,
  addLocalMonths,
  addLocalYears,
  canonicalTimeZone,
  formatLocal,
  localParts,
  type LocalParts,
} from './zoned-time.js';

export interface RetentionInput {
  readonly policy: RetentionPolicy;
  /** The server's creation time of the point, epoch milliseconds. */
  readonly createdAt: number;
  /** The policy's IANA time zone; days, weeks, months and years are local to it. */
  readonly timeZone: string;
  /** Creation times of the item's other points (any order; those after createdAt are ignored). */
  readonly previousPointsCreatedAt: readonly number[];
}

export interface RetentionDecision {
  readonly retainUntil: number;
  /** Earned GFS tags, shortest tier first. */
  readonly tags: GfsTier[];
  /** Why: one sentence per tier considered, and the outcome. */
  readonly reasons: string[];
}

/** Instants Amber accepts as creation times: years 1900 to 9999 (anything else is a broken clock). */
export const SUPPORTED_INSTANTS = {
  fromMs: daysFromCivil(1900, 1, 1) * MS_PER_DAY,
  untilMs: daysFromCivil(10_000, 1, 1) * MS_PER_DAY,
} as const;

/** Computes retainUntil, tags and reasons for a new point; throws on an invalid policy, zone or instant. */
export function computeRetention(input: RetentionInput): RetentionDecision {
  const { policy, createdAt } = input;
  assertValidRetentionPolicy(policy);
  assertSupportedInstant(createdAt, 'createdAt');
  const timeZone = canonicalTimeZone(input.timeZone);
  const describe = (instantMs: number): string => `${formatLocal(instantMs, timeZone)} (${toIso(instantMs)})`;
  if (policy.kind === 'simple') {
    const retainUntil = addLocalDays(createdAt, policy.keepDays, timeZone);
    const reason = `simple policy keeps every point ${plural(policy.keepDays, 'day')} in ${timeZone}: until ${describe(retainUntil)}`;
    return { retainUntil, tags: [], reasons: [reason] };
  }
  const latestPreviousAt = latestAtOrBefore(input.previousPointsCreatedAt, createdAt);
  const here = localParts(createdAt, timeZone);
  const previous = latestPreviousAt === undefined ? undefined : localParts(latestPreviousAt, timeZone);
  const tags: GfsTier[] = [];
  const reasons: string[] = [];
  let retainUntil = createdAt;
  let longestTier: GfsTier | undefined;
  for (const tier of GFS_TIERS) {
    const count = policy[tier];
    if (count === 0) continue;
    const period = `${PERIOD_LABEL[tier](here)} in ${timeZone}`;
    if (previous !== undefined && latestPreviousAt !== undefined && samePeriod(tier, here, previous)) {
      reasons.push(
        `not the first point of ${period} (an earlier one was created ${describe(latestPreviousAt)}): no ${tier} tag`,
      );
      continue;
    }
    const until = tierUntil(tier, count, createdAt, timeZone);
    tags.push(tier);
    reasons.push(
      `first point of ${period}: ${tier} tier keeps it ${plural(count, TIER_UNIT[tier])}, until ${describe(until)}`,
    );
    if (until > retainUntil) {
      retainUntil = until;
      longestTier = tier;
    }
  }
  if (tags.length === 0) {
    if (policy.daily > 0) {
      retainUntil = tierUntil('daily', policy.daily, createdAt, timeZone);
      reasons.push(
        `no GFS tag earned: kept for the daily period, ${plural(policy.daily, 'day')}, until ${describe(retainUntil)}`,
      );
    } else {
      reasons.push(
        `no GFS tag earned and the daily tier is off: not retained beyond its creation ${describe(createdAt)}`,
      );
    }
  } else if (tags.length > 1 && longestTier !== undefined) {
    reasons.push(`retained until ${describe(retainUntil)}: the ${longestTier} tier keeps it longest`);
  }
  return { retainUntil, tags, reasons };
}

const TIER_UNIT: Readonly<Record<GfsTier, string>> = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' };

const PERIOD_LABEL: Readonly<Record<GfsTier, (p: LocalParts) => string>> = {
  daily: (p) => `day ${formatCivilDate(p)}`,
  weekly: (p) => `ISO week ${formatIsoWeek(p)}`,
  monthly: (p) => `month ${pad(p.year, 4)}-${pad(p.month, 2)}`,
  yearly: (p) => `year ${pad(p.year, 4)}`,
};

function samePeriod(tier: GfsTier, a: LocalParts, b: LocalParts): boolean {
  switch (tier) {
    case 'daily':
      return a.year === b.year && a.month === b.month && a.day === b.day;
    case 'weekly':
      return a.isoWeekYear === b.isoWeekYear && a.isoWeek === b.isoWeek;
    case 'monthly':
      return a.year === b.year && a.month === b.month;
    case 'yearly':
      return a.year === b.year;
  }
}

function tierUntil(tier: GfsTier, count: number, createdAt: number, timeZone: string): number {
  switch (tier) {
    case 'daily':
      return addLocalDays(createdAt, count, timeZone);
    case 'weekly':
      return addLocalDays(createdAt, count * 7, timeZone);
    case 'monthly':
      return addLocalMonths(createdAt, count, timeZone);
    case 'yearly':
      return addLocalYears(createdAt, count, timeZone);
  }
}

/** The latest of `instants` at or before `limitMs`; one pass, no time-zone work per point. */
function latestAtOrBefore(instants: readonly number[], limitMs: number): number | undefined {
  let latest: number | undefined;
  for (const instantMs of instants) {
    if (!Number.isFinite(instantMs)) {
      throw new AmberError('INVALID_ARGUMENT', `A previous point's creation time (${instantMs}) is not an instant.`);
    }
    if (instantMs <= limitMs && (latest === undefined || instantMs > latest)) latest = instantMs;
  }
  return latest;
}

function assertSupportedInstant(instantMs: number, name: string): void {
  if (Number.isFinite(instantMs) && instantMs >= SUPPORTED_INSTANTS.fromMs && instantMs < SUPPORTED_INSTANTS.untilMs) {
    return;
  }
  throw new AmberError(
    'INVALID_ARGUMENT',
    `${name} (${instantMs}) is not an instant between the years 1900 and 9999.`,
    {
      details: { [name]: instantMs },
    },
  );
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
