import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_HOUR, parseIso, toIso } from '../clock.js';
import { isAmberError } from '../errors.js';
import {
  addLocalDays,
  addLocalMonths,
  addLocalYears,
  canonicalTimeZone,
  formatLocal,
  formatOffset,
  instantOfLocal,
  isValidTimeZone,
  localParts,
  offsetMsAt,
  startOfLocalDay,
} from './zoned-time.js';

const iso = (text: string): number => {
  const ms = parseIso(text);
  assert.ok(ms !== undefined, `not an instant: ${text}`);
  return ms;
};

const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
  millisecond: 0,
});

describe('zoned time', () => {
  test('knows IANA zones and their aliases, and rejects everything else', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'europe/berlin', 'US/Eastern']) {
      assert.equal(isValidTimeZone(zone), true, zone);
    }
    for (const zone of ['', 'Mars/Olympus_Mons', 'Europe/Berlinn', 'CEST', 'not a zone']) {
      assert.equal(isValidTimeZone(zone), false, zone);
    }
    assert.equal(canonicalTimeZone('europe/berlin'), 'Europe/Berlin');
    assert.throws(
      () => localParts(0, 'Mars/Olympus_Mons'),
      (error: unknown) => isAmberError(error, 'INVALID_TIME_ZONE'),
    );
  });

  test('a point at 23:30 UTC is the next day in Asia/Tokyo', () => {
    const parts = localParts(iso('2024-01-15T23:30:00.000Z'), 'Asia/Tokyo');
    assert.deepEqual(
      [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.weekday],
      [2024, 1, 16, 8, 30, 2],
    );
    assert.equal(parts.offsetMs, 9 * MS_PER_HOUR);
  });

  test('reports ISO week-years and weeks around New Year', () => {
    const weekOf = (text: string): string => {
      const p = localParts(iso(text), 'UTC');
      return `${p.isoWeekYear}-W${p.isoWeek} weekday ${p.weekday}`;
    };
    assert.equal(weekOf('2020-12-31T12:00:00.000Z'), '2020-W53 weekday 4');
    assert.equal(weekOf('2021-01-03T12:00:00.000Z'), '2020-W53 weekday 7');
    assert.equal(weekOf('2021-01-04T12:00:00.000Z'), '2021-W1 weekday 1');
    assert.equal(weekOf('2019-12-30T12:00:00.000Z'), '2020-W1 weekday 1');
    assert.equal(weekOf('2024-12-30T12:00:00.000Z'), '2025-W1 weekday 1');
    assert.equal(weekOf('2027-01-01T12:00:00.000Z'), '2026-W53 weekday 5');
  });

  test('keeps milliseconds and works before 1970', () => {
    const parts = localParts(iso('1969-12-31T23:59:59.250Z'), 'Europe/Berlin');
    assert.deepEqual(
      [parts.year, parts.month, parts.day, parts.hour, parts.second, parts.millisecond],
      [1970, 1, 1, 0, 59, 250],
    );
  });

  test('follows Berlin offsets across DST', () => {
    assert.equal(offsetMsAt(iso('2024-01-15T12:00:00.000Z'), 'Europe/Berlin'), MS_PER_HOUR);
    assert.equal(offsetMsAt(iso('2024-07-15T12:00:00.000Z'), 'Europe/Berlin'), 2 * MS_PER_HOUR);
    assert.equal(offsetMsAt(iso('2024-03-31T00:59:59.999Z'), 'Europe/Berlin'), MS_PER_HOUR);
    assert.equal(offsetMsAt(iso('2024-03-31T01:00:00.000Z'), 'Europe/Berlin'), 2 * MS_PER_HOUR);
  });

  test('moves a local time inside a spring-forward gap forward by the gap', () => {
    assert.equal(toIso(instantOfLocal(wall(2024, 3, 31, 2, 30), 'Europe/Berlin')), '2024-03-31T01:30:00.000Z');
    assert.equal(toIso(instantOfLocal(wall(2024, 3, 10, 2, 30), 'America/New_York')), '2024-03-10T07:30:00.000Z');
  });

  test('gives an ambiguous fall-back local time the earlier offset', () => {
    assert.equal(toIso(instantOfLocal(wall(2024, 10, 27, 2, 30), 'Europe/Berlin')), '2024-10-27T00:30:00.000Z');
    assert.equal(toIso(instantOfLocal(wall(2024, 11, 3, 1, 30), 'America/New_York')), '2024-11-03T05:30:00.000Z');
    assert.equal(toIso(instantOfLocal(wall(2024, 10, 27, 3, 0), 'Europe/Berlin')), '2024-10-27T02:00:00.000Z');
  });

  test('starts local days at midnight, and at the first existing instant when midnight is skipped', () => {
    const berlinSpring = startOfLocalDay(iso('2024-03-31T12:00:00.000Z'), 'Europe/Berlin');
    assert.equal(toIso(berlinSpring), '2024-03-30T23:00:00.000Z');
    const nextDay = startOfLocalDay(iso('2024-04-01T12:00:00.000Z'), 'Europe/Berlin');
    assert.equal(nextDay - berlinSpring, 23 * MS_PER_HOUR);
    const berlinAutumn = startOfLocalDay(iso('2024-10-27T12:00:00.000Z'), 'Europe/Berlin');
    assert.equal(startOfLocalDay(iso('2024-10-28T12:00:00.000Z'), 'Europe/Berlin') - berlinAutumn, 25 * MS_PER_HOUR);
    // Chile springs forward at midnight: 2024-09-08 starts at 01:00 -03:00.
    assert.equal(
      toIso(startOfLocalDay(iso('2024-09-08T12:00:00.000Z'), 'America/Santiago')),
      '2024-09-08T04:00:00.000Z',
    );
    // and falls back at midnight: 2024-04-07 00:00 exists once, at -04:00.
    assert.equal(
      toIso(startOfLocalDay(iso('2024-04-07T12:00:00.000Z'), 'America/Santiago')),
      '2024-04-07T04:00:00.000Z',
    );
    // 23:30 UTC on Jan 15 is Jan 16 in Tokyo, which started at 15:00 UTC.
    assert.equal(toIso(startOfLocalDay(iso('2024-01-15T23:30:00.000Z'), 'Asia/Tokyo')), '2024-01-15T15:00:00.000Z');
  });

  test('adds local days at the same wall time across DST, also backwards', () => {
    const before = iso('2024-03-30T12:00:00.000Z'); // 13:00 CET
    assert.equal(toIso(addLocalDays(before, 1, 'Europe/Berlin')), '2024-03-31T11:00:00.000Z');
    assert.equal(toIso(addLocalDays(before, 1, 'UTC')), '2024-03-31T12:00:00.000Z');
    assert.equal(toIso(addLocalDays(iso('2024-03-31T11:00:00.000Z'), -1, 'Europe/Berlin')), '2024-03-30T12:00:00.000Z');
    assert.equal(addLocalDays(before, 0, 'Europe/Berlin'), before);
  });

  test('adds months and years clamping the day of month', () => {
    const zone = 'Europe/Berlin';
    const jan31 = iso('2024-01-31T11:00:00.000Z'); // 12:00 CET
    assert.equal(toIso(addLocalMonths(jan31, 1, zone)), '2024-02-29T11:00:00.000Z');
    assert.equal(toIso(addLocalMonths(iso('2023-01-31T11:00:00.000Z'), 1, zone)), '2023-02-28T11:00:00.000Z');
    assert.equal(toIso(addLocalMonths(jan31, 2, zone)), '2024-03-31T10:00:00.000Z');
    assert.equal(toIso(addLocalMonths(iso('2024-03-31T10:00:00.000Z'), -1, zone)), '2024-02-29T11:00:00.000Z');
    assert.equal(toIso(addLocalMonths(jan31, 11, zone)), '2024-12-31T11:00:00.000Z');
    assert.equal(toIso(addLocalMonths(jan31, 12, zone)), '2025-01-31T11:00:00.000Z');
    const feb29 = iso('2024-02-29T11:00:00.000Z');
    assert.equal(toIso(addLocalYears(feb29, 1, zone)), '2025-02-28T11:00:00.000Z');
    assert.equal(toIso(addLocalYears(feb29, 4, zone)), '2028-02-29T11:00:00.000Z');
    assert.equal(toIso(addLocalYears(feb29, 100, zone)), '2124-02-29T11:00:00.000Z');
  });

  test('formats instants as local readers see them', () => {
    assert.equal(formatLocal(iso('2024-03-31T01:30:00.000Z'), 'Europe/Berlin'), '2024-03-31 03:30 +02:00');
    assert.equal(formatLocal(iso('2024-11-03T06:30:15.000Z'), 'America/New_York'), '2024-11-03 01:30:15 -05:00');
    assert.equal(formatOffset(-(5 * 3600 + 30 * 60) * 1000), '-05:30');
    assert.equal(formatOffset((53 * 60 + 28) * 1000), '+00:53:28');
  });

  test('refuses instants that are not finite numbers', () => {
    assert.throws(
      () => localParts(Number.NaN, 'UTC'),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
