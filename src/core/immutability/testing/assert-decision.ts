import assert from 'node:assert/strict';
import type { ErrorCode } from '../../error-catalog.js';
import { toIso } from '../../clock.js';
import type { Decision, Refusal } from '../decision.js';

export interface ExpectedRefusal {
  readonly code: ErrorCode;
  /** The expected `until`; undefined asserts that the refusal has none. */
  readonly until?: number;
  /** Words the reason must contain (case-insensitive). */
  readonly mentions?: readonly string[];
}

/** Asserts a refusal with its code, its until, and a reason that is a sentence naming the until date. */
export function assertRefused(decision: Decision, expected: ExpectedRefusal): Refusal {
  assert.equal(decision.allowed, false, 'expected a refusal, got allowed');
  if (decision.allowed) throw new Error('unreachable');
  assert.equal(decision.code, expected.code, `wrong code; reason: ${decision.reason}`);
  assert.equal(decision.until, expected.until, `wrong until; reason: ${decision.reason}`);
  assertSentence(decision.reason);
  if (expected.until !== undefined) assert.ok(decision.reason.includes(toIso(expected.until)), decision.reason);
  for (const word of expected.mentions ?? []) {
    assert.ok(decision.reason.toLowerCase().includes(word.toLowerCase()), `"${decision.reason}" lacks "${word}"`);
  }
  return decision;
}

export function assertAllowed(decision: Decision): void {
  assert.ok(decision.allowed, decision.allowed ? '' : `expected allowed, got ${decision.code}: ${decision.reason}`);
}

/** A reason is one sentence a person reads: a capital first letter and a final full stop. */
export function assertSentence(reason: string): void {
  assert.match(reason, /^[A-Z].*\.$/s, `"${reason}" is not a full sentence`);
}
