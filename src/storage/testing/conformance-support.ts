import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Clock } from '../../core/clock.js';
import type { ErrorCode } from '../../core/error-catalog.js';
import { AmberError, isAmberError } from '../../core/errors.js';
import { FakeClock } from '../../core/testing/fake-clock.js';
import type { ObjectLock, ObjectStore, LockMode } from '../object-store.js';

/** One fresh, empty store for one test case. */
export interface ConformanceSubject {
  readonly store: ObjectStore;
  /** The clock the store judges locks by (a FakeClock for drivers that take an injected clock). */
  readonly clock: Clock;
  /**
   * Lets `ms` pass for the store. Optional when clock is a FakeClock (its advanceMs is used). A store
   * with its own clock (S3) passes a real wait here and a short `retentionMs` in the options.
   */
  readonly advanceMs?: (ms: number) => Promise<void>;
  /** Removes what the test left (the suite closes the store before). */
  readonly cleanup: () => Promise<void>;
}

export type SubjectFactory = () => Promise<ConformanceSubject>;

export interface ConformanceOptions {
  /** Length of the locks the suite sets (default one day; a real-time store uses a few seconds). */
  readonly retentionMs?: number;
  /** Objects in the "many objects" listing case (default 300). */
  readonly manyObjects?: number;
  /** Cases run at once (default 4); each has its own subject. */
  readonly concurrency?: number;
}

/** Wraps a case body into a node:test function with a fresh subject. */
export type CaseFactory = (body: (h: Harness) => Promise<void>) => ReturnType<typeof withSubject>;

/** What a test case body receives. */
export interface Harness {
  readonly store: ObjectStore;
  readonly retentionMs: number;
  nowMs(): number;
  /** Lets ms pass for the store. */
  pass(ms: number): Promise<void>;
  /** A lock ending `factor` retention periods from now. */
  lockFor(mode: LockMode, factor?: number): ObjectLock;
}

export interface CaseOptions {
  /** Skip (with the reason) unless the store enforces object locks. */
  readonly needsObjectLock?: boolean;
}

/** Wraps a test body: makes a subject, runs, closes the store and cleans up whatever happens. */
export function withSubject(
  make: SubjectFactory,
  options: ConformanceOptions,
  body: (harness: Harness) => Promise<void>,
  caseOptions: CaseOptions = {},
): (t: TestContext) => Promise<void> {
  return async () => {
    const subject = await make();
    try {
      if (caseOptions.needsObjectLock === true && !subject.store.capabilities.objectLock) {
        // A store without object lock must refuse the case's first lock operation, never ignore it.
        await assert.rejects(body(harnessFor(subject, options)), refusedAsUnsupported);
        return;
      }
      await body(harnessFor(subject, options));
    } finally {
      await subject.store.close();
      await subject.cleanup();
    }
  };
}

function harnessFor(subject: ConformanceSubject, options: ConformanceOptions): Harness {
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  const clock = subject.clock;
  const pass =
    subject.advanceMs ??
    ((ms: number): Promise<void> => {
      if (!(clock instanceof FakeClock)) {
        throw new AmberError(
          'INVALID_ARGUMENT',
          'The conformance subject needs advanceMs when its clock is not a FakeClock.',
        );
      }
      clock.advanceMs(ms);
      return Promise.resolve();
    });
  return {
    store: subject.store,
    retentionMs,
    nowMs: () => clock.nowMs(),
    pass,
    lockFor: (mode, factor = 1) => ({ mode, retainUntil: clock.nowMs() + Math.round(retentionMs * factor) }),
  };
}

/** Awaits promise and asserts it failed with an AmberError of the code; returns that error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<AmberError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAmberError(error), `expected an AmberError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${code}, but the operation succeeded`);
}

/** Every key under prefix, sorted. */
export async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** Random bytes, so that two objects never compare equal by accident. */
export function someBytes(sizeBytes: number): Buffer {
  return randomBytes(sizeBytes);
}

/** The case failed because the store refused a lock operation with UNSUPPORTED (directly or in an assertion). */
function refusedAsUnsupported(error: unknown): boolean {
  return (
    isAmberError(error, 'UNSUPPORTED') || (error instanceof assert.AssertionError && error.actual === 'UNSUPPORTED')
  );
}
