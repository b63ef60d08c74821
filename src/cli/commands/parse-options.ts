import { parseIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';

export function parseWholeNumber(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new AmberError('USAGE', `${option} takes a whole number, not "${text}".`);
  return Number(text);
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `72h`, `30m`, `3d` or `0s`, in milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match === null)
    throw new AmberError('USAGE', `${option} takes a duration such as 72h, 30m, 3d or 0s, not "${text}".`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** An ISO-8601 instant such as `2026-01-31T12:00:00Z`, in epoch milliseconds. */
export function parseInstant(text: string, option: string): number {
  const ms = parseIso(text);
  if (ms === undefined) {
    throw new AmberError('USAGE', `${option} takes an ISO-8601 instant such as 2026-01-31T12:00:00Z, not "${text}".`);
  }
  return ms;
}
