import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY } from '../clock.js';
import {
  addCivilMonths,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatIsoWeek,
  isLeapYear,
  isoWeekdayOfDays,
  isoWeekOfDays,
} from './civil-date.js';

describe('civil dates', () => {
  test('counts days from 1970-01-01 like Date.UTC, both ways, over four centuries', () => {
    for (let days = daysFromCivil(1800, 1, 1); days < daysFromCivil(2200, 1, 1); days += 13) {
      const date = civilFromDays(days);
      assert.equal(Date.UTC(date.year, date.month - 1, date.day), days * MS_PER_DAY);
      assert.equal(daysFromCivil(date.year, date.month, date.day), days);
    }
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 3, 1), 11_017);
    assert.deepEqual(civilFromDays(-1), { year: 1969, month: 12, day: 31 });
  });

  test('knows leap years and month lengths', () => {
    assert.deepEqual([1900, 2000, 2023, 2024, 2100].map(isLeapYear), [false, true, false, true, false]);
    assert.deepEqual(
      [daysInMonth(2024, 2), daysInMonth(2023, 2), daysInMonth(2024, 4), daysInMonth(2024, 12)],
      [29, 28, 30, 31],
    );
  });

  test('names ISO weekdays and weeks', () => {
    assert.equal(isoWeekdayOfDays(0), 4); // 1970-01-01 was a Thursday
    assert.equal(isoWeekdayOfDays(-4), 7);
    assert.equal(formatIsoWeek(isoWeekOfDays(daysFromCivil(2020, 12, 31))), '2020-W53');
    assert.equal(formatIsoWeek(isoWeekOfDays(daysFromCivil(2021, 1, 4))), '2021-W01');
    assert.equal(formatIsoWeek(isoWeekOfDays(daysFromCivil(2008, 12, 29))), '2009-W01');
  });

  test('adds months with the day clamped to the target month', () => {
    assert.deepEqual(addCivilMonths({ year: 2024, month: 1, day: 31 }, 1), { year: 2024, month: 2, day: 29 });
    assert.deepEqual(addCivilMonths({ year: 2023, month: 1, day: 31 }, 1), { year: 2023, month: 2, day: 28 });
    assert.deepEqual(addCivilMonths({ year: 2024, month: 12, day: 15 }, 1), { year: 2025, month: 1, day: 15 });
    assert.deepEqual(addCivilMonths({ year: 2024, month: 1, day: 15 }, -1), { year: 2023, month: 12, day: 15 });
    assert.deepEqual(addCivilMonths({ year: 2024, month: 2, day: 29 }, 12), { year: 2025, month: 2, day: 28 });
  });
});
