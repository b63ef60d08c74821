/**
 * A policy's retention: simple (`keep N days`) or GFS (grandfather-father-son). Periods count local
 * calendar units in the policy's time zone (see gfs.ts): a day is a local calendar day, a week is 7
 * of them, months and years are calendar months and years (day of month clamped).
 */
import { AmberError } from '../errors.js';

/** The GFS tiers, shortest first. */
export type GfsTier = 'daily' | 'weekly' | 'monthly' | 'yearly';
export const GFS_TIERS: readonly GfsTier[] = ['daily', 'weekly', 'monthly', 'yearly'];

export interface SimpleRetentionPolicy {
  readonly kind: 'simple';
  /** Every point is kept this many local calendar days. */
  readonly keepDays: number;
}

/**
 * GFS: the first point of an item in a local day is kept `daily` days, the first of an ISO week `weekly`
 * weeks, the first of a calendar month `monthly` months, the first of a calendar year `yearly` years.
 * 0 turns a tier off; at least one tier is on.
 */
export interface GfsRetentionPolicy {
  readonly kind: 'gfs';
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
  readonly yearly: number;
}

export type RetentionPolicy = SimpleRetentionPolicy | GfsRetentionPolicy;

/** One thing wrong with a policy: the field and a sentence saying what is accepted. */
export interface RetentionPolicyProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Upper bounds (100 years in every unit) keep every computed date far inside what JS dates and storage
 * retention dates can hold, and catch unit mistakes (`keepDays: 2555000`).
 */
export const RETENTION_LIMITS = {
  keepDays: 36_525,
  daily: 36_525,
  weekly: 5_218,
  monthly: 1_200,
  yearly: 100,
} as const;

const UNIT_OF = { keepDays: 'days', daily: 'days', weekly: 'weeks', monthly: 'months', yearly: 'years' } as const;

/** Every problem of the policy at once; an empty list means it is valid. */
export function validateRetentionPolicy(policy: RetentionPolicy): readonly RetentionPolicyProblem[] {
  const kind: unknown = (policy as { kind?: unknown }).kind;
  if (kind === 'simple') {
    const problem = checkCount(policy as SimpleRetentionPolicy, 'keepDays', 1);
    return problem === undefined ? [] : [problem];
  }
  if (kind === 'gfs') {
    const gfs = policy as GfsRetentionPolicy;
    const problems = GFS_TIERS.map((tier) => checkCount(gfs, tier, 0)).filter((p) => p !== undefined);
    if (problems.length === 0 && GFS_TIERS.every((tier) => gfs[tier] === 0)) {
      problems.push({
        field: 'gfs',
        message: 'A GFS policy keeps nothing with every tier at 0; set at least one of daily, weekly, monthly, yearly.',
      });
    }
    return problems;
  }
  return [{ field: 'kind', message: `Retention kind must be "simple" or "gfs"; got ${showValue(kind)}.` }];
}

/** Throws INVALID_RETENTION_POLICY listing every problem when the policy is not valid. */
export function assertValidRetentionPolicy(policy: RetentionPolicy): void {
  const problems = validateRetentionPolicy(policy);
  if (problems.length === 0) return;
  throw new AmberError('INVALID_RETENTION_POLICY', `The retention policy is not valid: ${describeProblems(problems)}`, {
    details: { problems },
  });
}

export function describeProblems(problems: readonly RetentionPolicyProblem[]): string {
  return problems.map((p) => p.message).join(' ');
}

/**
 * The longest period the policy keeps any point, in days, for guardrail checks against a vault's
 * min/max retention days. Months count as 31 days and years as 366 (the longest they can be), so the
 * span never understates what the policy keeps.
 */
export function retentionSpanDays(policy: RetentionPolicy): number {
  if (policy.kind === 'simple') return policy.keepDays;
  return Math.max(policy.daily, policy.weekly * 7, policy.monthly * 31, policy.yearly * 366);
}

function checkCount<P extends RetentionPolicy>(
  policy: P,
  field: keyof typeof RETENTION_LIMITS & keyof P,
  min: number,
): RetentionPolicyProblem | undefined {
  const value: unknown = policy[field];
  const max = RETENTION_LIMITS[field];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return {
    field,
    message: `${field} must be a whole number of ${UNIT_OF[field]} from ${min} to ${max}; got ${showValue(value)}.`,
  };
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
