import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toIso } from '../../core/clock.js';
import {
  rejectsWithCode,
  someBytes,
  withSubject,
  type ConformanceOptions,
  type Harness,
  type SubjectFactory,
} from './conformance-support.js';

/** The WORM contracts: locks, their extend-only rules, legal holds, and honest capabilities. */
export function registerLockCases(make: SubjectFactory, options: ConformanceOptions): void {
  const locked = (body: (h: Harness) => Promise<void>): ReturnType<typeof withSubject> =>
    withSubject(make, options, body, { needsObjectLock: true });
  const parallel = { concurrency: options.concurrency ?? 4 };
  const any = (body: (h: Harness) => Promise<void>): ReturnType<typeof withSubject> => withSubject(make, options, body);

  describe('capabilities', parallel, () => {
    it(
      'reports lock capabilities honestly: lock operations without them fail with UNSUPPORTED',
      any(async (h) => {
        const { store } = h;
        await store.put('plain', someBytes(4));
        if (store.capabilities.objectLock) {
          assert.ok(store.capabilities.enforcement.length > 0, 'a store that enforces locks says how');
        } else {
          await rejectsWithCode(store.put('with-lock', someBytes(4), { lock: h.lockFor('governance') }), 'UNSUPPORTED');
          await rejectsWithCode(store.setLock('plain', h.lockFor('compliance')), 'UNSUPPORTED');
          assert.equal(await store.has('with-lock'), false);
        }
        if (!store.capabilities.legalHold) {
          await rejectsWithCode(store.put('with-hold', someBytes(4), { legalHold: true }), 'UNSUPPORTED');
          await rejectsWithCode(store.setLegalHold('plain', true), 'UNSUPPORTED');
          assert.equal(await store.has('with-hold'), false);
        }
        await store.delete('plain');
      }),
    );
  });

  describe('retention locks', parallel, () => {
    it(
      'refuses to delete a governance-locked object before retainUntil, saying until when',
      locked(async (h) => {
        const lock = h.lockFor('governance');
        await h.store.put('gov', someBytes(8), { lock });
        const error = await rejectsWithCode(h.store.delete('gov'), 'OBJECT_LOCKED');
        assert.equal(error.details['retainUntil'], lock.retainUntil);
        assert.equal(error.details['mode'], 'governance');
        assert.match(error.message, new RegExp(toIso(lock.retainUntil).slice(0, 16)));
        assert.equal(await h.store.has('gov'), true, 'a refused delete leaves the object in place');
      }),
    );

    it(
      'lets a governance lock yield to bypassGovernance',
      locked(async (h) => {
        await h.store.put('gov', someBytes(8), { lock: h.lockFor('governance') });
        await h.store.delete('gov', { bypassGovernance: true });
        assert.equal(await h.store.has('gov'), false);
      }),
    );

    it(
      'refuses to delete a compliance-locked object even with bypassGovernance',
      locked(async (h) => {
        await h.store.put('comp', someBytes(8), { lock: h.lockFor('compliance') });
        const error = await rejectsWithCode(h.store.delete('comp', { bypassGovernance: true }), 'OBJECT_LOCKED');
        assert.equal(error.details['mode'], 'compliance');
        assert.equal(await h.store.has('comp'), true);
      }),
    );

    it(
      'allows the delete once the store clock passes retainUntil, in both modes',
      locked(async (h) => {
        await h.store.put('gov', someBytes(8), { lock: h.lockFor('governance') });
        await h.store.put('comp', someBytes(8), { lock: h.lockFor('compliance') });
        await h.pass(h.retentionMs / 2);
        await rejectsWithCode(h.store.delete('comp'), 'OBJECT_LOCKED');
        await h.pass(h.retentionMs / 2 + 1000);
        await h.store.delete('gov');
        await h.store.delete('comp');
        assert.equal(await h.store.has('comp'), false);
      }),
    );

    it(
      'shows the lock in stat',
      locked(async (h) => {
        const lock = h.lockFor('compliance');
        await h.store.put('shown', someBytes(8), { lock });
        const info = await h.store.stat('shown');
        assert.deepEqual(info.lock, lock);
        assert.equal(info.legalHold, false);
      }),
    );

    it(
      'refuses a lock that does not end in the future with INVALID_ARGUMENT',
      locked(async (h) => {
        const past = { mode: 'governance', retainUntil: h.nowMs() - 1000 } as const;
        await rejectsWithCode(h.store.put('late', someBytes(8), { lock: past }), 'INVALID_ARGUMENT');
        assert.equal(await h.store.has('late'), false);
        await h.store.put('plain', someBytes(8));
        await rejectsWithCode(h.store.setLock('plain', past), 'INVALID_ARGUMENT');
      }),
    );

    it(
      'fails with NOT_FOUND when locking or holding a missing key',
      locked(async (h) => {
        await rejectsWithCode(h.store.setLock('ghost', h.lockFor('governance')), 'NOT_FOUND');
        await rejectsWithCode(h.store.setLegalHold('ghost', true), 'NOT_FOUND');
      }),
    );
  });

  describe('extend-only setLock', parallel, () => {
    it(
      'adds a lock to an unlocked object and extends it later',
      locked(async (h) => {
        await h.store.put('obj', someBytes(8));
        const first = h.lockFor('governance');
        await h.store.setLock('obj', first);
        assert.deepEqual((await h.store.stat('obj')).lock, first);
        const longer = h.lockFor('governance', 2);
        await h.store.setLock('obj', longer);
        assert.deepEqual((await h.store.stat('obj')).lock, longer);
        await rejectsWithCode(h.store.delete('obj'), 'OBJECT_LOCKED');
      }),
    );

    it(
      'refuses to shorten or remove a lock without bypass, leaving it unchanged',
      locked(async (h) => {
        for (const mode of ['governance', 'compliance'] as const) {
          const lock = h.lockFor(mode, 2);
          await h.store.put(mode, someBytes(8), { lock });
          await rejectsWithCode(h.store.setLock(mode, h.lockFor(mode, 1)), 'OBJECT_LOCKED');
          await rejectsWithCode(h.store.setLock(mode, undefined), 'OBJECT_LOCKED');
          assert.deepEqual((await h.store.stat(mode)).lock, lock);
        }
      }),
    );

    it(
      'lets bypassGovernance shorten or remove a governance lock',
      locked(async (h) => {
        await h.store.put('gov', someBytes(8), { lock: h.lockFor('governance', 2) });
        const shorter = h.lockFor('governance', 1);
        await h.store.setLock('gov', shorter, { bypassGovernance: true });
        assert.deepEqual((await h.store.stat('gov')).lock, shorter);
        await h.store.setLock('gov', undefined, { bypassGovernance: true });
        assert.equal((await h.store.stat('gov')).lock, undefined);
        await h.store.delete('gov');
      }),
    );

    it(
      'refuses to shorten or remove a compliance lock even with bypass',
      locked(async (h) => {
        const lock = h.lockFor('compliance', 2);
        await h.store.put('comp', someBytes(8), { lock });
        await rejectsWithCode(
          h.store.setLock('comp', h.lockFor('compliance', 1), { bypassGovernance: true }),
          'OBJECT_LOCKED',
        );
        await rejectsWithCode(h.store.setLock('comp', undefined, { bypassGovernance: true }), 'OBJECT_LOCKED');
        assert.deepEqual((await h.store.stat('comp')).lock, lock);
      }),
    );

    it(
      'allows upgrading governance to compliance',
      locked(async (h) => {
        await h.store.put('up', someBytes(8), { lock: h.lockFor('governance') });
        const upgraded = h.lockFor('compliance', 1.5);
        await h.store.setLock('up', upgraded);
        assert.deepEqual((await h.store.stat('up')).lock, upgraded);
        await rejectsWithCode(h.store.delete('up', { bypassGovernance: true }), 'OBJECT_LOCKED');
      }),
    );

    it(
      'refuses downgrading compliance to governance, even later and with bypass',
      locked(async (h) => {
        const lock = h.lockFor('compliance');
        await h.store.put('down', someBytes(8), { lock });
        await rejectsWithCode(h.store.setLock('down', h.lockFor('governance', 3)), 'OBJECT_LOCKED');
        await rejectsWithCode(
          h.store.setLock('down', h.lockFor('governance', 3), { bypassGovernance: true }),
          'OBJECT_LOCKED',
        );
        assert.deepEqual((await h.store.stat('down')).lock, lock);
      }),
    );

    it(
      'accepts any new lock, or none, once the previous one lapsed',
      locked(async (h) => {
        await h.store.put('lapsed', someBytes(8), { lock: h.lockFor('compliance') });
        await h.pass(h.retentionMs + 1000);
        const fresh = h.lockFor('governance', 0.5);
        await h.store.setLock('lapsed', fresh);
        assert.deepEqual((await h.store.stat('lapsed')).lock, fresh);
        await h.pass(h.retentionMs);
        await h.store.setLock('lapsed', undefined);
        await h.store.delete('lapsed');
      }),
    );
  });

  registerLegalHoldCases(locked, parallel);
}

function registerLegalHoldCases(
  locked: (body: (h: Harness) => Promise<void>) => ReturnType<typeof withSubject>,
  parallel: { concurrency: number },
): void {
  describe('legal hold', parallel, () => {
    it(
      'blocks the delete of an unlocked object, even with bypass, until released',
      locked(async (h) => {
        await h.store.put('held', someBytes(8));
        await h.store.setLegalHold('held', true);
        assert.equal((await h.store.stat('held')).legalHold, true);
        await rejectsWithCode(h.store.delete('held'), 'LEGAL_HOLD_ACTIVE');
        await rejectsWithCode(h.store.delete('held', { bypassGovernance: true }), 'LEGAL_HOLD_ACTIVE');
        await h.store.setLegalHold('held', false);
        assert.equal((await h.store.stat('held')).legalHold, false);
        await h.store.delete('held');
      }),
    );

    it(
      'protects an object put with lock and legal hold from the first moment, past its lock',
      locked(async (h) => {
        const lock = h.lockFor('governance');
        await h.store.put('both', someBytes(8), { lock, legalHold: true });
        const info = await h.store.stat('both');
        assert.deepEqual(info.lock, lock);
        assert.equal(info.legalHold, true);
        await rejectsWithCode(h.store.delete('both', { bypassGovernance: true }), 'LEGAL_HOLD_ACTIVE');
        await h.pass(h.retentionMs + 1000);
        await rejectsWithCode(h.store.delete('both'), 'LEGAL_HOLD_ACTIVE');
        await h.store.setLegalHold('both', false);
        await h.store.delete('both');
        assert.equal(await h.store.has('both'), false);
      }),
    );

    it(
      'keeps the hold when the lock changes and the lock when the hold changes',
      locked(async (h) => {
        await h.store.put('mixed', someBytes(8), { legalHold: true });
        const lock = h.lockFor('governance');
        await h.store.setLock('mixed', lock);
        assert.deepEqual(await h.store.stat('mixed'), { key: 'mixed', size: 8, lock, legalHold: true });
        await h.store.setLegalHold('mixed', false);
        assert.deepEqual(await h.store.stat('mixed'), { key: 'mixed', size: 8, lock, legalHold: false });
        await rejectsWithCode(h.store.delete('mixed'), 'OBJECT_LOCKED');
      }),
    );

    it(
      'is released under a still active lock without releasing the lock',
      locked(async (h) => {
        await h.store.put('locked-held', someBytes(8), { lock: h.lockFor('compliance'), legalHold: true });
        await h.store.setLegalHold('locked-held', false);
        await rejectsWithCode(h.store.delete('locked-held'), 'OBJECT_LOCKED');
      }),
    );
  });
}
