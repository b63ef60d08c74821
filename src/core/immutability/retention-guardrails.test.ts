import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkRetentionGuardrails, rangeText, validateRetentionGuardrails } from './retention-guardrails.js';
import { assertAllowed, assertRefused } from './testing/assert-decision.js';

const BOTH = { minRetentionDays: 7, maxRetentionDays: 365 };

describe('retention guardrails', () => {
  test('accepts a retention inside the range, bounds included', () => {
    for (const days of [7, 30, 365]) assertAllowed(checkRetentionGuardrails(days, BOTH));
  });

  test('accepts any retention when the vault has no guardrails', () => {
    assertAllowed(checkRetentionGuardrails(0, {}));
    assertAllowed(checkRetentionGuardrails(36_500, {}));
  });

  test('rejects a retention below the minimum, stating the allowed range', () => {
    const refusal = assertRefused(checkRetentionGuardrails(3, BOTH), {
      code: 'RETENTION_BELOW_MINIMUM',
      mentions: ['3 days', 'minimum of 7 days', 'from 7 days to 365 days'],
    });
    assert.deepEqual(refusal.details, { retentionDays: 3, ...BOTH });
  });

  test('rejects a retention above the maximum, stating the allowed range', () => {
    assertRefused(checkRetentionGuardrails(366, BOTH), {
      code: 'RETENTION_ABOVE_MAXIMUM',
      mentions: ['366 days', 'maximum of 365 days', 'from 7 days to 365 days'],
    });
  });

  test('states a one-sided range when only one bound is set', () => {
    assertRefused(checkRetentionGuardrails(1, { minRetentionDays: 7 }), {
      code: 'RETENTION_BELOW_MINIMUM',
      mentions: ['of at least 7 days'],
    });
    assertRefused(checkRetentionGuardrails(400, { maxRetentionDays: 1 }), {
      code: 'RETENTION_ABOVE_MAXIMUM',
      mentions: ['of at most 1 day.'],
    });
    assert.equal(rangeText({}), 'of any length');
  });

  test('rejects a retention that is not a number of days as an invalid argument', () => {
    for (const days of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assertRefused(checkRetentionGuardrails(days, BOTH), { code: 'INVALID_ARGUMENT' });
    }
  });

  test('accepts guardrails with min at most max, either bound absent, or none', () => {
    for (const guardrails of [BOTH, { minRetentionDays: 30, maxRetentionDays: 30 }, { minRetentionDays: 0 }, {}]) {
      assertAllowed(validateRetentionGuardrails(guardrails));
    }
  });

  test('rejects guardrails whose minimum exceeds the maximum', () => {
    assertRefused(validateRetentionGuardrails({ minRetentionDays: 90, maxRetentionDays: 30 }), {
      code: 'INVALID_ARGUMENT',
      mentions: ['minimum retention (90 days)', 'maximum retention (30 days)'],
    });
  });

  test('rejects negative or non-numeric guardrails', () => {
    assertRefused(validateRetentionGuardrails({ minRetentionDays: -1 }), {
      code: 'INVALID_ARGUMENT',
      mentions: ['minimum retention'],
    });
    assertRefused(validateRetentionGuardrails({ maxRetentionDays: Number.NaN }), {
      code: 'INVALID_ARGUMENT',
      mentions: ['maximum retention'],
    });
  });
});
