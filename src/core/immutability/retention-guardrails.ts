import { countText } from './duration-text.js';
import { ALLOWED, refuse, type Decision } from './decision.js';

/** A vault's retention guardrails (AWS Backup Vault Lock style); either bound may be absent. */
export interface RetentionGuardrails {
  readonly minRetentionDays?: number;
  readonly maxRetentionDays?: number;
}

/** A backup's or policy's retention must lie within the vault's guardrails (bounds inclusive). */
export function checkRetentionGuardrails(retentionDays: number, guardrails: RetentionGuardrails): Decision {
  if (!isDays(retentionDays)) {
    return refuse('INVALID_ARGUMENT', `A retention must be a number of days ≥ 0, not ${retentionDays}.`, {
      details: { retentionDays },
    });
  }
  const { minRetentionDays: min, maxRetentionDays: max } = guardrails;
  const details = { retentionDays, ...guardrails };
  if (min !== undefined && retentionDays < min) {
    return refuse(
      'RETENTION_BELOW_MINIMUM',
      `A retention of ${days(retentionDays)} is below this vault's minimum of ${days(min)}; the vault accepts retentions ${rangeText(guardrails)}.`,
      { details },
    );
  }
  if (max !== undefined && retentionDays > max) {
    return refuse(
      'RETENTION_ABOVE_MAXIMUM',
      `A retention of ${days(retentionDays)} is above this vault's maximum of ${days(max)}; the vault accepts retentions ${rangeText(guardrails)}.`,
      { details },
    );
  }
  return ALLOWED;
}

/** A guardrail setting is valid when each bound is a number of days ≥ 0 and min ≤ max. */
export function validateRetentionGuardrails(guardrails: RetentionGuardrails): Decision {
  const { minRetentionDays: min, maxRetentionDays: max } = guardrails;
  for (const [name, value] of [
    ['minimum', min],
    ['maximum', max],
  ] as const) {
    if (value !== undefined && !isDays(value)) {
      return refuse('INVALID_ARGUMENT', `A vault's ${name} retention must be a number of days ≥ 0, not ${value}.`, {
        details: { ...guardrails },
      });
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    return refuse(
      'INVALID_ARGUMENT',
      `A vault's minimum retention (${days(min)}) cannot exceed its maximum retention (${days(max)}).`,
      { details: { ...guardrails } },
    );
  }
  return ALLOWED;
}

/** `from 7 days to 365 days`, `of at least 7 days`, `of at most 365 days`, `of any length`. */
export function rangeText({ minRetentionDays: min, maxRetentionDays: max }: RetentionGuardrails): string {
  if (min !== undefined && max !== undefined) return `from ${days(min)} to ${days(max)}`;
  if (min !== undefined) return `of at least ${days(min)}`;
  if (max !== undefined) return `of at most ${days(max)}`;
  return 'of any length';
}

function isDays(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function days(count: number): string {
  return countText(count, 'day');
}
