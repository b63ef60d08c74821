import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../clock.js';
import { countText, durationText } from './duration-text.js';

describe('duration text', () => {
  test('names a duration in the largest unit that divides it', () => {
    assert.deepEqual([3 * MS_PER_DAY, 36 * MS_PER_HOUR, 90 * MS_PER_MINUTE, MS_PER_SECOND, 1500, 0].map(durationText), [
      '3 days',
      '36 hours',
      '90 minutes',
      '1 second',
      '1500 milliseconds',
      '0 milliseconds',
    ]);
  });

  test('pluralizes counts other than one', () => {
    assert.deepEqual(
      [countText(1, 'day'), countText(2, 'day'), countText(0.5, 'day')],
      ['1 day', '2 days', '0.5 days'],
    );
  });
});
