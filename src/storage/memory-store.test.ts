import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { MemoryStore } from './memory-store.js';
import { runConformanceSuite } from './testing/conformance.js';

runConformanceSuite('MemoryStore', () => {
  const clock = new FakeClock();
  return Promise.resolve({ store: new MemoryStore(clock), clock, cleanup: () => Promise.resolve() });
});

runConformanceSuite('MemoryStore without object lock', () => {
  const clock = new FakeClock();
  return Promise.resolve({
    store: new MemoryStore(clock, { objectLock: false }),
    clock,
    cleanup: () => Promise.resolve(),
  });
});

describe('MemoryStore fault injection', () => {
  it('fails a put before writing, leaving no object', async () => {
    const store = new MemoryStore(new FakeClock());
    store.putFault = (key) => (key === 'packs/x' ? 'before-write' : undefined);
    await assert.rejects(store.put('packs/x', Buffer.from('x')), (error) => isAmberError(error, 'STORAGE_ERROR'));
    assert.equal(await store.has('packs/x'), false);
    await store.put('packs/y', Buffer.from('y'));
    assert.equal(await store.has('packs/y'), true);
  });

  it('fails a put after writing, so a retry meets ALREADY_EXISTS (a lost acknowledgement)', async () => {
    const store = new MemoryStore(new FakeClock());
    store.putFault = () => 'after-write';
    await assert.rejects(store.put('k', Buffer.from('v')), (error) => isAmberError(error, 'STORAGE_ERROR'));
    store.putFault = undefined;
    await assert.rejects(store.put('k', Buffer.from('v')), (error) => isAmberError(error, 'ALREADY_EXISTS'));
    assert.equal((await store.get('k')).toString(), 'v');
  });

  it('counts the requests it serves', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await store.put('a', Buffer.from('a'));
    await store.setLock('a', { mode: 'governance', retainUntil: clock.nowMs() + 1000 });
    await store.get('a');
    assert.equal(store.counts.put, 1);
    assert.equal(store.counts.setLock, 1);
    assert.equal(store.counts.get, 1);
  });
});
