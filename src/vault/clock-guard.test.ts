import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, toIso } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { applyMigrations } from '../catalog/apply-migrations.js';
import type { CatalogTables } from '../catalog/catalog-tables.js';
import { createTimeLogTables, SqliteTimeLogStore, type TimeLogTables } from '../catalog/time-log-store.js';
import { ClockGuard, type ClockGuardEvent } from './clock-guard.js';
import { MemoryTimeLogStore } from './time-log-store.js';

const H = MS_PER_HOUR;
const MINUTE = MS_PER_MINUTE;

interface Setup {
  readonly clock: FakeClock;
  readonly store: MemoryTimeLogStore;
  readonly guard: ClockGuard;
  readonly events: ClockGuardEvent[];
}

function setup(clock = new FakeClock(), store = new MemoryTimeLogStore(), bootId = 'run-1'): Setup {
  const events: ClockGuardEvent[] = [];
  const guard = new ClockGuard({ clock, store, bootId, onEvent: (e) => void events.push(e) });
  return { clock, store, guard, events };
}

/** One sample, a minute of real time, then the wall clock moved by `jumpMs`, then a second sample. */
async function jump(s: Setup, jumpMs: number): Promise<Awaited<ReturnType<ClockGuard['sample']>>> {
  await s.guard.sample();
  s.clock.advanceMs(MINUTE);
  s.clock.jumpWallMs(jumpMs);
  return s.guard.sample();
}

async function assertFrozen(guard: ClockGuard): Promise<void> {
  await assert.rejects(guard.assertExpiryAllowed(), (error: unknown) => isAmberError(error, 'CLOCK_FROZEN'));
}

describe('ClockGuard: jumps while running', () => {
  test('a forward jump of 25 h freezes expiry, raises an alert and says so in the audit event', async () => {
    const s = setup();
    const outcome = await jump(s, 25 * H);
    assert.equal(outcome.frozen, true);
    assert.equal(outcome.entry.skewMs, 25 * H);
    assert.ok(outcome.raised !== undefined);
    assert.equal(outcome.raised.detectedAt, s.clock.nowMs());
    assert.equal(outcome.raised.accumulatedMs, 25 * H);
    assert.match(outcome.raised.message, /jumped forward by 25 h/);
    assert.deepEqual(
      s.events.map((e) => e.action),
      ['clock.jump'],
    );
    assert.equal(s.events[0]?.details['alertId'], outcome.raised.id);

    const status = await s.guard.status();
    assert.equal(status.frozen, true);
    assert.equal(status.alert?.id, outcome.raised.id);
    assert.equal(status.accumulatedMs, 25 * H);
    assert.equal(status.toleranceMs, 24 * H);
    assert.equal(status.lastSample?.wallMs, s.clock.nowMs());

    const freeze = await s.guard.checkExpiry();
    assert.deepEqual(freeze, {
      since: outcome.raised.detectedAt,
      message:
        `Expiry is frozen since ${toIso(outcome.raised.detectedAt)}: the clock jumped by 25 h (beyond the 24 h ` +
        'tolerance). An administrator must acknowledge the alert (amber clock acknowledge) before expired points ' +
        'are deleted.',
    });
    await assertFrozen(s.guard);
  });

  test('a jump of 23 h is counted but does not freeze', async () => {
    const s = setup();
    const outcome = await jump(s, 23 * H);
    assert.equal(outcome.frozen, false);
    assert.equal(outcome.raised, undefined);
    assert.equal(outcome.entry.accumulatedMs, 23 * H);
    assert.equal(s.events.length, 1, 'the jump itself is audited');
    assert.match(s.events[0]?.message ?? '', /23 h of clock jumps have accumulated \(tolerance 24 h\)/);
    assert.equal(await s.guard.checkExpiry(), undefined);
    await s.guard.assertExpiryAllowed();
  });

  test('a backward jump counts like a forward one', async () => {
    const s = setup();
    const outcome = await jump(s, -25 * H);
    assert.equal(outcome.entry.skewMs, -25 * H);
    assert.equal(outcome.frozen, true);
    assert.match(outcome.raised?.message ?? '', /jumped back by 25 h/);
  });

  test('small jumps back and forth accumulate their absolute sizes until they pass 24 h', async () => {
    const s = setup();
    const outcomes = [];
    for (const jumpMs of [5 * H, -5 * H, 5 * H, -5 * H]) outcomes.push(await jump(s, jumpMs));
    assert.deepEqual(
      outcomes.map((o) => [o.entry.accumulatedMs / H, o.frozen]),
      [
        [5, false],
        [10, false],
        [15, false],
        [20, false],
      ],
    );
    const fifth = await jump(s, 4.5 * H);
    assert.equal(fifth.frozen, true);
    assert.equal(fifth.raised?.accumulatedMs, 24.5 * H);
    await assertFrozen(s.guard);
  });

  test('jitter below 2 s between samples is not counted, even over many samples', async () => {
    const s = setup();
    await s.guard.sample();
    for (let i = 0; i < 200; i++) {
      s.clock.advanceMs(MINUTE);
      s.clock.jumpWallMs(i % 2 === 0 ? 1900 : -1900);
      const outcome = await s.guard.sample();
      assert.equal(outcome.entry.skewMs, 0);
    }
    assert.equal((await s.guard.status()).accumulatedMs, 0);
    assert.deepEqual(s.events, []);
  });

  test('a clock crept forward below the jitter at every sample still adds up to counted jumps', async () => {
    const s = setup();
    await s.guard.sample();
    const skews: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.clock.advanceMs(MINUTE);
      s.clock.jumpWallMs(1500);
      skews.push((await s.guard.sample()).entry.skewMs);
    }
    assert.deepEqual(skews, [0, 3000, 0, 3000]);
    assert.equal((await s.guard.status()).accumulatedMs, 6000);
  });

  test('time passing without a jump is never counted', async () => {
    const s = setup();
    for (let i = 0; i < 10; i++) {
      await s.guard.sample();
      s.clock.advanceMs(3 * MS_PER_DAY);
    }
    assert.equal((await s.guard.status()).accumulatedMs, 0);
  });
});

describe('ClockGuard: across restarts', () => {
  test('a wall clock earlier than the last sample of the previous run is a backward jump of that size', async () => {
    const first = setup();
    await first.guard.sample();
    const restarted = setup(new FakeClock(first.clock.nowMs() - 3 * H), first.store, 'run-2');
    const outcome = await restarted.guard.sample();
    assert.equal(outcome.entry.skewMs, -3 * H);
    assert.equal(outcome.entry.accumulatedMs, 3 * H);
    assert.equal(restarted.events[0]?.details['basis'], 'restart');
    assert.match(restarted.events[0]?.message ?? '', /went back by 3 h across a restart/);
  });

  test('a backward jump of 25 h across a restart freezes expiry', async () => {
    const first = setup();
    await first.guard.sample();
    const restarted = setup(new FakeClock(first.clock.nowMs() - 25 * H), first.store, 'run-2');
    assert.equal((await restarted.guard.sample()).frozen, true);
  });

  test('a later wall clock after a restart is downtime, not a jump', async () => {
    const first = setup();
    await first.guard.sample();
    const restarted = setup(new FakeClock(first.clock.nowMs() + 7 * MS_PER_DAY), first.store, 'run-2');
    const outcome = await restarted.guard.sample();
    assert.equal(outcome.entry.skewMs, 0);
    assert.equal(outcome.frozen, false);
    assert.deepEqual(restarted.events, []);
  });

  test('jumps accumulated before a restart still count after it', async () => {
    const first = setup();
    await jump(first, 20 * H);
    const restarted = setup(new FakeClock(first.clock.nowMs() + H), first.store, 'run-2');
    const outcome = await jump(restarted, 5 * H);
    assert.equal(outcome.entry.accumulatedMs, 25 * H);
    assert.equal(outcome.frozen, true);
  });
});

describe('ClockGuard: acknowledgement', () => {
  test('clears the freeze, resets the accumulator and records who acknowledged, when and why', async () => {
    const s = setup();
    const raised = (await jump(s, 30 * H)).raised;
    s.clock.advanceMs(MINUTE);
    s.clock.jumpWallMs(-30 * H); // the administrator corrects the clock, then acknowledges
    const outcome = await s.guard.acknowledge('alice', 'NTP server fixed');
    assert.equal(outcome.acknowledged.length, 1);
    assert.deepEqual(outcome.acknowledged[0], {
      ...raised,
      acknowledgedAt: s.clock.nowMs(),
      acknowledgedBy: 'alice',
      note: 'NTP server fixed',
    });
    assert.equal(outcome.resetAccumulatedMs, 30 * H);
    assert.equal(outcome.event.action, 'clock.acknowledge');
    assert.match(outcome.event.message, /alice acknowledged the clock alert/);
    assert.deepEqual(s.events.at(-1), outcome.event);

    const status = await s.guard.status();
    assert.equal(status.frozen, false);
    assert.equal(status.accumulatedMs, 0);
    s.clock.advanceMs(MINUTE);
    assert.equal(await s.guard.checkExpiry(), undefined, 'the correction made before acknowledging is not counted');
    assert.equal((await s.guard.alerts())[0]?.acknowledgedBy, 'alice');
  });

  test('a new jump beyond the tolerance after an acknowledgement freezes again', async () => {
    const s = setup();
    await jump(s, 25 * H);
    await s.guard.acknowledge('alice', '');
    const again = await jump(s, 25 * H);
    assert.equal(again.frozen, true);
    assert.equal(again.entry.accumulatedMs, 25 * H);
    assert.equal((await s.guard.alerts()).length, 2);
  });

  test('with nothing frozen it resets the accumulator and says no alert was open', async () => {
    const s = setup();
    await jump(s, 10 * H);
    const outcome = await s.guard.acknowledge('bob', 'planned change');
    assert.deepEqual(outcome.acknowledged, []);
    assert.equal(outcome.resetAccumulatedMs, 10 * H);
    assert.match(outcome.event.message, /^No clock alert was open; the accumulated clock jumps \(10 h\) were reset/);
  });

  test('refuses an acknowledgement by nobody', async () => {
    const s = setup();
    await jump(s, 25 * H);
    await assert.rejects(s.guard.acknowledge('  ', 'x'), (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'));
    assert.equal((await s.guard.status()).frozen, true);
  });
});

describe('ClockGuard: persistence and sampling', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amber-clock-guard-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function openStore(file: string): Promise<{ store: SqliteTimeLogStore; close: () => Promise<void> }> {
    const db = new Kysely<TimeLogTables>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await applyMigrations(db as unknown as Kysely<CatalogTables>, [
      { id: 1, name: 'create-time-log', up: createTimeLogTables },
    ]);
    return { store: new SqliteTimeLogStore(db, { file }), close: () => db.destroy() };
  }

  test('a new ClockGuard on the same SQLite file is still frozen, and stays acknowledged', async () => {
    const file = join(dir, 'server.sqlite');
    const clock = new FakeClock();
    const first = await openStore(file);
    const guard1 = new ClockGuard({ clock, store: first.store, bootId: 'run-1' });
    await guard1.sample();
    clock.advanceMs(MINUTE);
    clock.jumpWallMs(26 * H);
    const { raised } = await guard1.sample();
    await first.close();

    const laterClock = new FakeClock(clock.nowMs() + H);
    const second = await openStore(file);
    const guard2 = new ClockGuard({ clock: laterClock, store: second.store, bootId: 'run-2' });
    const status = await guard2.status();
    assert.equal(status.frozen, true);
    assert.equal(status.alert?.id, raised?.id);
    assert.equal(status.accumulatedMs, 26 * H);
    await assertFrozen(guard2);
    await guard2.acknowledge('alice', 'checked');
    await second.close();

    const third = await openStore(file);
    const guard3 = new ClockGuard({ clock: laterClock, store: third.store, bootId: 'run-3' });
    assert.equal(await guard3.checkExpiry(), undefined);
    assert.equal((await guard3.alerts())[0]?.acknowledgedBy, 'alice');
    await third.close();
  });

  test('start() samples at once and then every sampleEveryMs until stopped', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const store = new MemoryTimeLogStore();
      const clock = new FakeClock();
      const guard = new ClockGuard({ clock, store, bootId: 'run-1', sampleEveryMs: 30_000 });
      const errors: unknown[] = [];
      const timer = guard.start((e) => errors.push(e));
      const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
      await flush();
      assert.equal(store.entries().length, 1);
      for (let i = 0; i < 3; i++) {
        clock.advanceMs(30_000);
        mock.timers.tick(30_000);
        await flush();
      }
      assert.equal(store.entries().length, 4);
      timer.stop();
      mock.timers.tick(120_000);
      await flush();
      assert.equal(store.entries().length, 4);
      assert.deepEqual(errors, []);
    } finally {
      mock.timers.reset();
    }
  });

  test('rejects a tolerance that is not a positive duration', () => {
    const clock = new FakeClock();
    assert.throws(
      () => new ClockGuard({ clock, store: new MemoryTimeLogStore(), toleranceMs: 0 }),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
