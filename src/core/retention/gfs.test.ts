import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MS_PER_DAY, MS_PER_HOUR, parseIso, toIso } from '../clock.js';
import { isAmberError } from '../errors.js';
import { compareRetention } from './compare-retention.js';
import { computeRetention } from './gfs.js';
import { GFS_TIERS, type RetentionPolicy } from './retention-policy.js';

interface GoldenCase {
  readonly name: string;
  readonly policy: string;
  readonly timeZone: string;
  readonly createdAt: string;
  readonly previous: readonly string[];
  readonly tags: readonly string[];
  readonly retainUntil: string;
  readonly reasons?: readonly string[];
}

interface GoldenFile {
  readonly policies: Readonly<Record<string, RetentionPolicy>>;
  readonly cases: readonly GoldenCase[];
}

/** testdata/ in the source tree: from dist/core/retention/ it is ../../../src/core/retention/testdata. */
function loadGolden(): GoldenFile {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'testdata'),
    resolve(here, '../../../src/core/retention/testdata'),
    resolve(process.cwd(), 'src/core/retention/testdata'),
  ];
  const dir = candidates.find((candidate) => existsSync(join(candidate, 'gfs-cases.json')));
  assert.ok(dir, `cannot find gfs-cases.json (looked in ${candidates.join(', ')})`);
  return JSON.parse(readFileSync(join(dir, 'gfs-cases.json'), 'utf8')) as GoldenFile;
}

const iso = (text: string): number => {
  const ms = parseIso(text);
  assert.ok(ms !== undefined, `not an instant: ${text}`);
  return ms;
};

describe('computeRetention golden cases', () => {
  const golden = loadGolden();
  test('the golden file holds the cases the brief asks for', () => {
    assert.ok(golden.cases.length >= 30, `only ${golden.cases.length} golden cases`);
  });
  for (const c of golden.cases) {
    test(c.name, () => {
      const policy = golden.policies[c.policy];
      assert.ok(policy, `unknown policy ${c.policy}`);
      const decision = computeRetention({
        policy,
        createdAt: iso(c.createdAt),
        timeZone: c.timeZone,
        previousPointsCreatedAt: c.previous.map(iso),
      });
      const context = `reasons:\n  ${decision.reasons.join('\n  ')}`;
      assert.deepEqual(decision.tags, c.tags, context);
      assert.equal(toIso(decision.retainUntil), c.retainUntil, context);
      for (const fragment of c.reasons ?? []) {
        assert.ok(
          decision.reasons.some((reason) => reason.includes(fragment)),
          `no reason contains "${fragment}"; ${context}`,
        );
      }
    });
  }
});

describe('computeRetention', () => {
  const createdAt = iso('2024-06-15T10:00:00.000Z');

  test('refuses an invalid policy, listing every problem', () => {
    const policy = { kind: 'gfs', daily: -1, weekly: 1.5, monthly: 0, yearly: 0 } as const;
    assert.throws(
      () => computeRetention({ policy, createdAt, timeZone: 'UTC', previousPointsCreatedAt: [] }),
      (error: unknown) =>
        isAmberError(error, 'INVALID_RETENTION_POLICY') &&
        error.message.includes('daily') &&
        error.message.includes('weekly'),
    );
  });

  test('refuses an unknown time zone with INVALID_TIME_ZONE', () => {
    assert.throws(
      () =>
        computeRetention({
          policy: { kind: 'simple', keepDays: 7 },
          createdAt,
          timeZone: 'Mars/Olympus_Mons',
          previousPointsCreatedAt: [],
        }),
      (error: unknown) => isAmberError(error, 'INVALID_TIME_ZONE') && error.message.includes('Mars/Olympus_Mons'),
    );
  });

  test('refuses creation times that are not instants of the years 1900 to 9999', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, iso('1899-12-31T23:59:59.999Z'), 8.64e15]) {
      assert.throws(
        () =>
          computeRetention({
            policy: { kind: 'simple', keepDays: 7 },
            createdAt: bad,
            timeZone: 'UTC',
            previousPointsCreatedAt: [],
          }),
        (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
      );
    }
  });

  test('names the canonical zone in its reasons when given an alias', () => {
    const decision = computeRetention({
      policy: { kind: 'simple', keepDays: 1 },
      createdAt,
      timeZone: 'US/Eastern',
      previousPointsCreatedAt: [],
    });
    assert.match(decision.reasons[0] ?? '', /in America\/New_York: until 2024-06-16 06:00 -04:00/);
  });
});

/** A small deterministic generator (mulberry32) so the property tests are reproducible. */
function createRandom(seed: number): { below(n: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const below = (n: number): number => Math.floor(next() * n);
  return { below, pick: <T>(items: readonly T[]): T => items[below(items.length)] as T };
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'America/Santiago'];
const BASE_MS = iso('2019-06-01T00:00:00.000Z');

function randomPolicy(random: ReturnType<typeof createRandom>): RetentionPolicy {
  if (random.below(4) === 0) return { kind: 'simple', keepDays: 1 + random.below(400) };
  const counts = [
    random.below(3) * random.below(15),
    random.below(2) * random.below(9),
    random.below(2) * random.below(25),
  ];
  const yearly = random.below(2) * random.below(4);
  const [daily = 0, weekly = 0, monthly = 0] = counts;
  return daily + weekly + monthly + yearly === 0
    ? { kind: 'gfs', daily: 1, weekly, monthly, yearly }
    : { kind: 'gfs', daily, weekly, monthly, yearly };
}

function randomPoints(random: ReturnType<typeof createRandom>, count: number): number[] {
  return Array.from(
    { length: count },
    () => BASE_MS + random.below(5 * 366) * MS_PER_DAY + random.below(24) * MS_PER_HOUR,
  );
}

describe('computeRetention properties', () => {
  test('retainUntil is never before createdAt, and tags come only from tiers that are on', () => {
    const random = createRandom(1);
    for (let i = 0; i < 400; i++) {
      const policy = randomPolicy(random);
      const [createdAt = BASE_MS, ...previous] = randomPoints(random, 1 + random.below(6));
      const timeZone = random.pick(ZONES);
      const decision = computeRetention({ policy, createdAt, timeZone, previousPointsCreatedAt: previous });
      assert.ok(decision.retainUntil >= createdAt, `${JSON.stringify(policy)} at ${toIso(createdAt)} in ${timeZone}`);
      for (const tag of decision.tags)
        assert.ok(policy.kind === 'gfs' && policy[tag] > 0, `tag ${tag} of a tier that is off`);
      assert.ok(decision.reasons.length > 0);
    }
  });

  test('adding a previous point never makes a later point earn more tags or a later retainUntil', () => {
    const random = createRandom(2);
    for (let i = 0; i < 400; i++) {
      const policy = randomPolicy(random);
      const timeZone = random.pick(ZONES);
      const [createdAt = BASE_MS, extra = BASE_MS, ...previous] = randomPoints(random, 2 + random.below(5));
      const before = computeRetention({ policy, createdAt, timeZone, previousPointsCreatedAt: previous });
      const after = computeRetention({ policy, createdAt, timeZone, previousPointsCreatedAt: [...previous, extra] });
      const label = `${JSON.stringify(policy)} at ${toIso(createdAt)} + ${toIso(extra)} in ${timeZone}`;
      for (const tag of after.tags) assert.ok(before.tags.includes(tag), `${label}: gained ${tag}`);
      assert.ok(after.retainUntil <= before.retainUntil, label);
    }
  });

  test('a policy compareRetention calls longer or equal never keeps a point for less time', () => {
    const random = createRandom(3);
    let checked = 0;
    for (let i = 0; i < 3000 && checked < 300; i++) {
      const a = randomPolicy(random);
      const b = randomPolicy(random);
      const comparison = compareRetention(a, b);
      if (comparison !== 'longer' && comparison !== 'equal') continue;
      checked++;
      const timeZone = random.pick(ZONES);
      const [createdAt = BASE_MS, ...previous] = randomPoints(random, 1 + random.below(4));
      const input = { createdAt, timeZone, previousPointsCreatedAt: previous };
      const keptByA = computeRetention({ ...input, policy: a }).retainUntil;
      const keptByB = computeRetention({ ...input, policy: b }).retainUntil;
      assert.ok(
        keptByA >= keptByB,
        `${JSON.stringify(a)} ${comparison} than ${JSON.stringify(b)} at ${toIso(createdAt)}`,
      );
    }
    assert.ok(checked >= 100, `only ${checked} comparable pairs`);
  });

  test('tags are listed shortest tier first', () => {
    const decision = computeRetention({
      policy: { kind: 'gfs', daily: 1, weekly: 1, monthly: 1, yearly: 1 },
      createdAt: iso('2024-01-01T12:00:00.000Z'),
      timeZone: 'UTC',
      previousPointsCreatedAt: [],
    });
    assert.deepEqual(decision.tags, [...GFS_TIERS]);
  });
});
