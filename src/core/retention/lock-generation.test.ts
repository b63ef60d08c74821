import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR, parseIso } from '../clock.js';
import { isAmberError } from '../errors.js';
import { DEFAULT_LOCK_GENERATION_DAYS, lockExtensionFor, lockUntilFor, needsExtension } from './lock-generation.js';

const iso = (text: string): number => parseIso(text) ?? Number.NaN;

describe('lock generations', () => {
  test('rounds a lock end up to the next 10-day boundary from the epoch by default', () => {
    assert.equal(DEFAULT_LOCK_GENERATION_DAYS, 10);
    assert.equal(lockUntilFor(1), 10 * MS_PER_DAY);
    assert.equal(lockUntilFor(10 * MS_PER_DAY), 10 * MS_PER_DAY);
    assert.equal(lockUntilFor(10 * MS_PER_DAY + 1), 20 * MS_PER_DAY);
    // 2024-01-01 is day 19723 since the epoch; the next boundary is day 19730 (2024-01-08).
    assert.equal(lockUntilFor(iso('2024-01-01T02:00:00.000Z')), iso('2024-01-08T00:00:00.000Z'));
  });

  test('honours a custom generation length and origin', () => {
    const originMs = iso('2024-01-01T00:00:00.000Z');
    const options = { generationDays: 7, originMs };
    assert.equal(lockUntilFor(originMs + MS_PER_HOUR, options), originMs + 7 * MS_PER_DAY);
    assert.equal(lockUntilFor(originMs - MS_PER_HOUR, options), originMs);
    assert.equal(lockUntilFor(originMs + 1, { generationDays: 1 / 24, originMs }), originMs + MS_PER_HOUR);
  });

  test('never ends before the required end, and at most one generation after it', () => {
    const generationMs = DEFAULT_LOCK_GENERATION_DAYS * MS_PER_DAY;
    for (
      let requiredUntil = iso('2024-01-01T00:00:00.000Z');
      requiredUntil < iso('2024-03-01T00:00:00.000Z');
      requiredUntil += 3_599_999
    ) {
      const lockUntil = lockUntilFor(requiredUntil);
      assert.ok(lockUntil >= requiredUntil && lockUntil - requiredUntil < generationMs);
    }
  });

  test('asks for an extension only when the current lock ends before the required end', () => {
    assert.equal(needsExtension(null, 5), true);
    assert.equal(needsExtension(undefined, 5), true);
    assert.equal(needsExtension(4, 5), true);
    assert.equal(needsExtension(5, 5), false);
    assert.equal(needsExtension(6, 5), false);
    assert.equal(lockExtensionFor(20 * MS_PER_DAY, 15 * MS_PER_DAY), null);
    assert.equal(lockExtensionFor(20 * MS_PER_DAY, 21 * MS_PER_DAY), 30 * MS_PER_DAY);
    assert.equal(lockExtensionFor(null, 1), 10 * MS_PER_DAY);
  });

  test('refuses a generation that is not a positive number of days', () => {
    for (const generationDays of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-12]) {
      assert.throws(
        () => lockUntilFor(1, { generationDays }),
        (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
      );
    }
    assert.throws(
      () => lockUntilFor(Number.NaN),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
