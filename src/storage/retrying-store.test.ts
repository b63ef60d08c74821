import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmberError, isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { MemoryStore } from './memory-store.js';
import type { ListedObject, ObjectStore } from './object-store.js';
import { RetryingStore, type RetryOptions } from './retrying-store.js';
import { runConformanceSuite } from './testing/conformance.js';

runConformanceSuite('RetryingStore over MemoryStore', () => {
  const clock = new FakeClock();
  const store = new RetryingStore(new MemoryStore(clock), { sleep: () => Promise.resolve() });
  return Promise.resolve({ store, clock, cleanup: () => Promise.resolve() });
});

/** A MemoryStore whose next `failures` gets fail with the given code. */
function flakyStore(
  failures: number,
  code: 'STORAGE_ERROR' | 'OBJECT_LOCKED' | 'STORAGE_FULL',
): { store: ObjectStore; calls: () => number } {
  const inner = new MemoryStore(new FakeClock());
  let calls = 0;
  let left = failures;
  const store = Object.create(inner) as ObjectStore;
  store.get = (key: string): Promise<Buffer> => {
    calls++;
    if (left-- > 0) return Promise.reject(new AmberError(code, `simulated ${code}`));
    return inner.get(key);
  };
  store.list = (prefix: string): AsyncIterable<ListedObject> => {
    calls++;
    if (left-- > 0) return failingIterable(code);
    return inner.list(prefix);
  };
  return { store: Object.assign(store, { put: inner.put.bind(inner) }), calls: () => calls };
}

function failingIterable(code: 'STORAGE_ERROR' | 'OBJECT_LOCKED' | 'STORAGE_FULL'): AsyncIterable<ListedObject> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new AmberError(code, `simulated ${code}`)) }),
  };
}

function recordingOptions(extra: RetryOptions = {}): { options: RetryOptions; sleeps: number[] } {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...extra,
  };
  return { options, sleeps };
}

describe('RetryingStore', () => {
  it('retries STORAGE_ERROR with growing delays until the operation succeeds', async () => {
    const { store, calls } = flakyStore(3, 'STORAGE_ERROR');
    await store.put('k', Buffer.from('v'));
    const { options, sleeps } = recordingOptions({ baseDelayMs: 100 });
    const retrying = new RetryingStore(store, options);
    assert.equal((await retrying.get('k')).toString(), 'v');
    assert.equal(calls(), 4);
    assert.deepEqual(sleeps, [75, 150, 300]);
  });

  it('gives up after maxAttempts with the last STORAGE_ERROR', async () => {
    const { store, calls } = flakyStore(10, 'STORAGE_ERROR');
    const { options, sleeps } = recordingOptions({ maxAttempts: 3 });
    await assert.rejects(new RetryingStore(store, options).get('k'), (error) => isAmberError(error, 'STORAGE_ERROR'));
    assert.equal(calls(), 3);
    assert.equal(sleeps.length, 2);
  });

  it('passes refusals and full storage through at once', async () => {
    for (const code of ['OBJECT_LOCKED', 'STORAGE_FULL'] as const) {
      const { store, calls } = flakyStore(1, code);
      const { options, sleeps } = recordingOptions();
      await assert.rejects(new RetryingStore(store, options).get('k'), (error) => isAmberError(error, code));
      assert.equal(calls(), 1);
      assert.deepEqual(sleeps, []);
    }
  });

  it('keeps every delay within maxDelayMs, jitter included', () => {
    const retrying = new RetryingStore(new MemoryStore(new FakeClock()), {
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.999,
    });
    for (let attempt = 1; attempt <= 20; attempt++) assert.ok(retrying.delayMs(attempt) <= 1000);
    assert.ok(retrying.delayMs(1) >= 50);
  });

  it('retries a list that fails before yielding anything', async () => {
    const { store, calls } = flakyStore(1, 'STORAGE_ERROR');
    await store.put('a/1', Buffer.from('1'));
    const { options } = recordingOptions();
    const keys: string[] = [];
    for await (const object of new RetryingStore(store, options).list('a/')) keys.push(object.key);
    assert.deepEqual(keys, ['a/1']);
    assert.equal(calls(), 2);
  });
});
