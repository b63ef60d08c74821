import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAmberError } from '../errors.js';
import {
  assertValidRetentionPolicy,
  retentionSpanDays,
  validateRetentionPolicy,
  type RetentionPolicy,
} from './retention-policy.js';

const gfs = (daily: number, weekly: number, monthly: number, yearly: number): RetentionPolicy => ({
  kind: 'gfs',
  daily,
  weekly,
  monthly,
  yearly,
});

describe('retention policy', () => {
  test('accepts simple and GFS policies within limits', () => {
    assert.deepEqual(validateRetentionPolicy({ kind: 'simple', keepDays: 30 }), []);
    assert.deepEqual(validateRetentionPolicy(gfs(7, 4, 12, 7)), []);
    assert.deepEqual(validateRetentionPolicy(gfs(0, 0, 0, 1)), []);
  });

  test('reports every problem at once, naming the field', () => {
    const problems = validateRetentionPolicy(gfs(-1, 1.5, Number.NaN, 101));
    assert.deepEqual(
      problems.map((p) => p.field),
      ['daily', 'weekly', 'monthly', 'yearly'],
    );
    assert.match(problems[0]?.message ?? '', /daily must be a whole number of days from 0 to 36525; got -1/);
    assert.match(problems[2]?.message ?? '', /got NaN/);
  });

  test('refuses a GFS policy with every tier off and a simple policy keeping 0 days', () => {
    assert.deepEqual(
      validateRetentionPolicy(gfs(0, 0, 0, 0)).map((p) => p.field),
      ['gfs'],
    );
    assert.deepEqual(
      validateRetentionPolicy({ kind: 'simple', keepDays: 0 }).map((p) => p.field),
      ['keepDays'],
    );
  });

  test('refuses an unknown kind and values of the wrong type', () => {
    const unknownKind = { kind: 'forever' } as unknown as RetentionPolicy;
    assert.deepEqual(
      validateRetentionPolicy(unknownKind).map((p) => p.field),
      ['kind'],
    );
    const textDays = { kind: 'simple', keepDays: '30' } as unknown as RetentionPolicy;
    assert.match(validateRetentionPolicy(textDays)[0]?.message ?? '', /got "30"/);
  });

  test('throws INVALID_RETENTION_POLICY with every problem in details', () => {
    assert.throws(
      () => assertValidRetentionPolicy(gfs(-1, -1, 0, 0)),
      (error: unknown) =>
        isAmberError(error, 'INVALID_RETENTION_POLICY') &&
        Array.isArray(error.details.problems) &&
        error.details.problems.length === 2,
    );
    assert.doesNotThrow(() => assertValidRetentionPolicy(gfs(7, 0, 0, 0)));
  });

  test('spans the longest period in days, months as 31 and years as 366', () => {
    assert.equal(retentionSpanDays({ kind: 'simple', keepDays: 30 }), 30);
    assert.equal(retentionSpanDays(gfs(7, 4, 0, 0)), 28);
    assert.equal(retentionSpanDays(gfs(7, 4, 12, 0)), 372);
    assert.equal(retentionSpanDays(gfs(7, 4, 12, 7)), 2562);
    assert.equal(retentionSpanDays(gfs(90, 4, 1, 0)), 90);
  });
});
