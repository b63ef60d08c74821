import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIso, toIso } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import { dueRuns, nextRunAt, validateSchedule, type ScheduleEntry } from './schedule.js';

function at(iso: string): number {
  const ms = parseIso(iso);
  assert.ok(ms !== undefined, `${iso} is an instant`);
  return ms;
}

/** The next `count` runs after `fromIso`, as ISO strings. */
function runsAfter(pattern: string, timeZone: string, fromIso: string, count: number): string[] {
  const out: string[] = [];
  let after = at(fromIso);
  for (let i = 0; i < count; i++) {
    const next = nextRunAt(pattern, timeZone, after);
    assert.ok(next !== undefined);
    out.push(toIso(next));
    after = next;
  }
  return out;
}

describe('validateSchedule', () => {
  for (const pattern of ['30 2 * * *', '*/10 * * * * *', '@daily', '@hourly', '0 22 * * MON-FRI', ' 0 3 * * 0 ']) {
    test(`accepts "${pattern}"`, () => {
      validateSchedule(pattern, 'Europe/Berlin');
    });
  }

  const bad: readonly (readonly [pattern: string, reason: RegExp])[] = [
    ['* * *', /exactly five, six, or seven/],
    ['', /exactly five, six, or seven/],
    ['61 * * * *', /minute: 61/],
    ['0 25 * * *', /hour: 25/],
    ['0 0 0 * * * 2027', /requires exactly 5 or 6 parts/],
    ['@reboot', /@reboot/],
    ['every day', /exactly five, six, or seven/],
    ['0 0 31 2 *', /never runs/],
  ];
  for (const [pattern, reason] of bad) {
    test(`refuses "${pattern}" with INVALID_ARGUMENT and a sentence that says what to give`, () => {
      assert.throws(
        () => validateSchedule(pattern, 'UTC'),
        (error: unknown) =>
          isAmberError(error, 'INVALID_ARGUMENT') &&
          reason.test(error.message) &&
          error.message.includes(`"${pattern}"`) &&
          /for example "30 2 \* \* \*"/.test(error.message),
      );
    });
  }

  test('refuses an unknown time zone with INVALID_TIME_ZONE', () => {
    assert.throws(
      () => validateSchedule('0 3 * * *', 'Mars/Olympus_Mons'),
      (error: unknown) => isAmberError(error, 'INVALID_TIME_ZONE') && error.message.includes('Mars/Olympus_Mons'),
    );
  });
});

describe('nextRunAt across daylight-saving changes', () => {
  test('Europe/Berlin, spring forward: 02:30 does not exist on 29 March, so it runs at 03:00 CEST that day', () => {
    assert.deepEqual(runsAfter('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00.000Z', 3), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first instant after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  test('America/New_York, spring forward: 02:30 on 8 March runs at 03:00 EDT, once', () => {
    assert.deepEqual(runsAfter('30 2 * * *', 'America/New_York', '2026-03-07T00:00:00.000Z', 3), [
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  test('Europe/Berlin, fall back: 02:30 happens twice on 25 October and runs once, at the first', () => {
    assert.deepEqual(runsAfter('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00.000Z', 2), [
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  test('America/New_York, fall back: a half-hourly schedule runs in both 01:xx hours', () => {
    assert.deepEqual(runsAfter('*/30 * * * *', 'America/New_York', '2026-11-01T04:45:00.000Z', 6), [
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T06:00:00.000Z', // 01:00 EST
      '2026-11-01T06:30:00.000Z', // 01:30 EST
      '2026-11-01T07:00:00.000Z', // 02:00 EST
      '2026-11-01T07:30:00.000Z',
    ]);
  });

  test('is strictly after the given instant, and seconds-granular with six fields', () => {
    assert.equal(nextRunAt('0 3 * * *', 'UTC', at('2026-01-01T03:00:00.000Z')), at('2026-01-02T03:00:00.000Z'));
    assert.equal(nextRunAt('0 3 * * *', 'UTC', at('2026-01-01T02:59:59.999Z')), at('2026-01-01T03:00:00.000Z'));
    assert.equal(nextRunAt('*/15 * * * * *', 'UTC', at('2026-01-01T00:00:07.250Z')), at('2026-01-01T00:00:15.000Z'));
  });

  test('is undefined for a pattern that never runs again', () => {
    assert.equal(nextRunAt('0 0 31 2 *', 'UTC', at('2026-01-01T00:00:00.000Z')), undefined);
  });
});

describe('dueRuns', () => {
  const daily: ScheduleEntry = { key: 'vault/docs', pattern: '0 3 * * *', timeZone: 'UTC' };

  test('a server down for a week runs one catch-up, for the newest missed instant', () => {
    assert.deepEqual(dueRuns([daily], at('2026-01-01T00:00:00.000Z'), at('2026-01-08T12:00:00.000Z')), [
      { key: 'vault/docs', scheduledFor: at('2026-01-08T03:00:00.000Z') },
    ]);
  });

  test('nothing is due when no instant lies in the window, which excludes its start', () => {
    assert.deepEqual(dueRuns([daily], at('2026-01-08T03:00:00.000Z'), at('2026-01-08T12:00:00.000Z')), []);
    assert.deepEqual(dueRuns([daily], at('2026-01-08T03:01:00.000Z'), at('2026-01-09T02:59:59.999Z')), []);
    assert.deepEqual(dueRuns([daily], at('2026-01-09T12:00:00.000Z'), at('2026-01-08T12:00:00.000Z')), []);
    assert.deepEqual(dueRuns([], at('2026-01-01T00:00:00.000Z'), at('2026-02-01T00:00:00.000Z')), []);
  });

  test('an instant equal to now is due', () => {
    assert.deepEqual(dueRuns([daily], at('2026-01-08T02:59:00.000Z'), at('2026-01-08T03:00:00.000Z')), [
      { key: 'vault/docs', scheduledFor: at('2026-01-08T03:00:00.000Z') },
    ]);
  });

  test('seconds granularity: the newest 10-second mark in a 25-second window', () => {
    const everyTen: ScheduleEntry = { key: 'fast', pattern: '*/10 * * * * *', timeZone: 'UTC' };
    assert.deepEqual(dueRuns([everyTen], at('2026-01-01T00:00:00.000Z'), at('2026-01-01T00:00:25.500Z')), [
      { key: 'fast', scheduledFor: at('2026-01-01T00:00:20.000Z') },
    ]);
    assert.deepEqual(dueRuns([everyTen], at('2026-01-01T00:00:20.000Z'), at('2026-01-01T00:00:29.999Z')), []);
  });

  test('keys are independent, each with its own time zone, and the Berlin spring-forward run is due at 03:00', () => {
    const schedules: ScheduleEntry[] = [
      { key: 'berlin', pattern: '30 2 * * *', timeZone: 'Europe/Berlin' },
      { key: 'new-york', pattern: '30 2 * * *', timeZone: 'America/New_York' },
      { key: 'hourly', pattern: '@hourly', timeZone: 'UTC' },
    ];
    assert.deepEqual(dueRuns(schedules, at('2026-03-29T00:00:00.000Z'), at('2026-03-29T01:30:00.000Z')), [
      { key: 'berlin', scheduledFor: at('2026-03-29T01:00:00.000Z') },
      { key: 'hourly', scheduledFor: at('2026-03-29T01:00:00.000Z') },
    ]);
  });

  test('a scheduler ticking through the New York fall-back hour runs a fixed 01:30 job once', () => {
    const job: ScheduleEntry = { key: 'ny', pattern: '30 1 * * *', timeZone: 'America/New_York' };
    const ticks = ['2026-11-01T05:00:00.000Z', '2026-11-01T05:45:00.000Z', '2026-11-01T06:45:00.000Z'].map(at);
    const runs = ticks.slice(1).flatMap((nowMs, i) => dueRuns([job], ticks[i] ?? 0, nowMs));
    assert.deepEqual(runs, [{ key: 'ny', scheduledFor: at('2026-11-01T05:30:00.000Z') }]);
  });

  test('an invalid schedule throws naming its key, or is reported and skipped with onInvalid', () => {
    const broken: ScheduleEntry = { key: 'broken', pattern: '61 * * * *', timeZone: 'UTC' };
    const window = [at('2026-01-01T00:00:00.000Z'), at('2026-01-02T00:00:00.000Z')] as const;
    assert.throws(
      () => dueRuns([daily, broken], ...window),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT') && error.details['key'] === 'broken',
    );
    const reported: [string, AmberError][] = [];
    const due = dueRuns([broken, daily], ...window, { onInvalid: (key, error) => reported.push([key, error]) });
    assert.deepEqual(due, [{ key: 'vault/docs', scheduledFor: at('2026-01-01T03:00:00.000Z') }]);
    assert.deepEqual(
      reported.map(([key, error]) => [key, error.code]),
      [['broken', 'INVALID_ARGUMENT']],
    );
  });
});
