import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isExpired, summarizePoints } from './points-summary.js';

describe('points summary', () => {
  test('counts points and holds and finds the latest retainUntil', () => {
    const points = [
      { retainUntil: 300, legalHold: false },
      { retainUntil: 900, legalHold: true },
      { retainUntil: 500, legalHold: false },
    ];
    assert.deepEqual(summarizePoints(points), { pointCount: 3, legalHoldCount: 1, latestRetainUntil: 900 });
  });

  test('summarizes no points without a latest retainUntil', () => {
    assert.deepEqual(summarizePoints([]), { pointCount: 0, legalHoldCount: 0 });
  });

  test('expires a point at retainUntil, not a millisecond before', () => {
    assert.deepEqual([isExpired(1000, 999), isExpired(1000, 1000), isExpired(1000, 1001)], [false, true, true]);
  });
});
