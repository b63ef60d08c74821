import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY, toIso } from '../clock.js';
import { FakeClock } from '../testing/fake-clock.js';
import { extendOnly } from './extend-only.js';
import { assertSentence } from './testing/assert-decision.js';

const CURRENT = new FakeClock().nowMs() + 30 * MS_PER_DAY;
const LONGER = CURRENT + 10 * MS_PER_DAY;
const SHORTER = CURRENT - 10 * MS_PER_DAY;

describe('extend-only retention', () => {
  test('extends a point whether immutability is on or off', () => {
    for (const on of [true, false]) {
      const change = extendOnly(CURRENT, LONGER, on);
      assert.equal(change.retainUntil, LONGER);
      assert.equal(change.outcome, 'extended');
      assert.ok(change.reason.includes(toIso(CURRENT)) && change.reason.includes(toIso(LONGER)), change.reason);
    }
  });

  test('keeps the current retainUntil when shortening while immutability is on', () => {
    const change = extendOnly(CURRENT, SHORTER, true);
    assert.deepEqual([change.retainUntil, change.outcome], [CURRENT, 'kept']);
    assert.ok(change.reason.includes(toIso(CURRENT)) && change.reason.includes(toIso(SHORTER)), change.reason);
    assert.match(change.reason, /only be extended/);
  });

  test('shortens a point while immutability is off', () => {
    const change = extendOnly(CURRENT, SHORTER, false);
    assert.deepEqual([change.retainUntil, change.outcome], [SHORTER, 'shortened']);
    assert.match(change.reason, /immutability is off/);
  });

  test('reports an equal retainUntil as unchanged', () => {
    const change = extendOnly(CURRENT, CURRENT, true);
    assert.deepEqual([change.retainUntil, change.outcome], [CURRENT, 'unchanged']);
  });

  test('words every outcome as a full sentence', () => {
    for (const [proposed, on] of [
      [LONGER, true],
      [CURRENT, true],
      [SHORTER, true],
      [SHORTER, false],
    ] as const) {
      assertSentence(extendOnly(CURRENT, proposed, on).reason);
    }
  });
});
