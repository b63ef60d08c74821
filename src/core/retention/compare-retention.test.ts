import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRetention, isRetentionReduction, monthSpanDays } from './compare-retention.js';
import type { RetentionPolicy } from './retention-policy.js';

const gfs = (daily: number, weekly: number, monthly: number, yearly: number): RetentionPolicy => ({
  kind: 'gfs',
  daily,
  weekly,
  monthly,
  yearly,
});
const simple = (keepDays: number): RetentionPolicy => ({ kind: 'simple', keepDays });

describe('compareRetention', () => {
  test('compares GFS policies tier by tier', () => {
    assert.equal(compareRetention(gfs(7, 4, 12, 7), gfs(7, 4, 12, 7)), 'equal');
    assert.equal(compareRetention(gfs(7, 4, 12, 7), gfs(7, 4, 12, 5)), 'longer');
    assert.equal(compareRetention(gfs(7, 4, 12, 5), gfs(7, 4, 12, 7)), 'shorter');
    assert.equal(compareRetention(gfs(14, 4, 0, 0), gfs(7, 8, 0, 0)), 'mixed');
    assert.equal(compareRetention(gfs(0, 0, 12, 0), gfs(0, 0, 0, 1)), 'longer');
  });

  test('compares simple policies by days', () => {
    assert.equal(compareRetention(simple(30), simple(30)), 'equal');
    assert.equal(compareRetention(simple(31), simple(30)), 'longer');
    assert.equal(compareRetention(simple(29), simple(30)), 'shorter');
  });

  test('compares by what each point keeps, not by how the policy is written', () => {
    // Every first-of-day point keeps 30 days, longer than the 28 days of a weekly point.
    assert.equal(compareRetention(gfs(30, 0, 0, 0), gfs(0, 4, 0, 0)), 'longer');
    // A GFS daily period also keeps untagged points, so daily 7 keeps exactly what simple 7 keeps.
    assert.equal(compareRetention(gfs(7, 0, 0, 0), simple(7)), 'equal');
    assert.equal(compareRetention(gfs(7, 1, 0, 0), simple(7)), 'equal');
    assert.equal(compareRetention(simple(7), gfs(7, 4, 0, 0)), 'shorter');
  });

  test('treats a calendar month as 28 to 31 days and a year as 365 to 366', () => {
    assert.equal(compareRetention(simple(31), gfs(0, 0, 1, 0)), 'longer');
    assert.equal(compareRetention(simple(30), gfs(0, 0, 1, 0)), 'mixed');
    assert.equal(compareRetention(simple(366), gfs(0, 0, 0, 1)), 'longer');
    assert.equal(compareRetention(simple(365), gfs(0, 0, 0, 1)), 'mixed');
    assert.equal(compareRetention(gfs(28, 0, 1, 0), simple(28)), 'longer');
    assert.deepEqual(monthSpanDays(1), { minDays: 28, maxDays: 31 });
    assert.deepEqual(monthSpanDays(12), { minDays: 365, maxDays: 366 });
    assert.deepEqual(monthSpanDays(0), { minDays: 0, maxDays: 0 });
  });

  test('calls a change a reduction when any point could be kept for less time', () => {
    assert.equal(isRetentionReduction(gfs(7, 4, 12, 5), gfs(7, 4, 12, 7)), true);
    assert.equal(isRetentionReduction(gfs(14, 4, 0, 0), gfs(7, 8, 0, 0)), true);
    assert.equal(isRetentionReduction(simple(30), gfs(0, 0, 1, 0)), true);
    assert.equal(isRetentionReduction(gfs(7, 4, 12, 8), gfs(7, 4, 12, 7)), false);
    assert.equal(isRetentionReduction(simple(30), simple(30)), false);
  });
});
