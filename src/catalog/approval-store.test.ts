import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import type { ApprovalId, Voter } from '../core/approval-rules.js';
import { isAmberError } from '../core/errors.js';
import type { RaceResult, RaceTask } from './approval-store-race-worker.js';
import { ApprovalStore, canonicalJson, type ApprovalTables, type NewApproval } from './approval-store.js';
import { openApprovalDatabase } from './approval-store-testing.js';

const NOW = 1_767_225_600_000;
const HOUR = 3_600_000;
const olga: Voter = { user: 'olga', holdsApprovalGrant: true };
const sam: Voter = { user: 'sam', holdsApprovalGrant: true };

let dir: string;
let fileCount = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-approval-store-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withStore(
  work: (store: ApprovalStore, db: Kysely<ApprovalTables>, file: string) => Promise<void>,
): Promise<void> {
  fileCount += 1;
  const file = join(dir, `catalog-${fileCount}.sqlite`);
  const db = await openApprovalDatabase(file);
  try {
    await work(new ApprovalStore(db, file), db, file);
  } finally {
    await db.destroy();
  }
}

let idCount = 0;
function newApproval(overrides: Partial<NewApproval> = {}): NewApproval {
  idCount += 1;
  return {
    id: `apr_${idCount.toString(16).padStart(24, '0')}` as ApprovalId,
    operation: 'immutability.disable',
    vault: 'default',
    params: { vault: 'default', confirm: true },
    summary: 'Disable immutability of vault default',
    requester: 'alice',
    reason: 'moving to a new bucket',
    createdAt: NOW,
    expiresAt: NOW + HOUR,
    required: 2,
    ...overrides,
  };
}

function withoutVault(approval: NewApproval): NewApproval {
  const { vault: _vault, ...rest } = approval;
  return rest;
}

async function refusalCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    assert.ok(isAmberError(error), String(error));
    return error.code;
  }
  assert.fail('expected a refusal');
}

describe('ApprovalStore requests', () => {
  test('stores a request and returns it with every field', () =>
    withStore(async (store) => {
      const approval = newApproval();
      const { request, reused } = await store.create(approval, NOW);
      assert.equal(reused, false);
      const expected = {
        id: approval.id,
        operation: 'immutability.disable',
        vault: 'default',
        params: { confirm: true, vault: 'default' },
        summary: 'Disable immutability of vault default',
        requester: 'alice',
        reason: 'moving to a new bucket',
        createdAt: NOW,
        expiresAt: NOW + HOUR,
        status: 'pending',
        required: 2,
        votes: [],
      };
      assert.deepEqual(request, expected);
      assert.deepEqual(await store.get(approval.id), expected);
      assert.equal(await store.get('apr_ffffffffffffffffffffffff'), undefined);
    }));

  test('returns the pending request for the same thing instead of storing a duplicate', () =>
    withStore(async (store) => {
      const first = await store.create(newApproval(), NOW);
      const again = await store.create(newApproval({ params: { confirm: true, vault: 'default' } }), NOW + 1);
      assert.equal(again.reused, true);
      assert.equal(again.request.id, first.request.id);
      assert.equal((await store.list({}, NOW)).length, 1);
      const key = {
        requester: 'alice',
        operation: 'immutability.disable',
        vault: 'default',
        params: first.request.params,
      } as const;
      assert.equal((await store.findPending(key, NOW))?.id, first.request.id);
    }));

  test('creates a new request when requester, vault or params differ, or the pending one expired', () =>
    withStore(async (store) => {
      const first = await store.create(newApproval(), NOW);
      const others = [
        newApproval({ requester: 'bob' }),
        newApproval({ vault: 'archive' }),
        newApproval({ params: { vault: 'default', confirm: false } }),
        withoutVault(newApproval()),
      ];
      for (const approval of others) assert.equal((await store.create(approval, NOW)).reused, false);
      const afterExpiry = await store.create(
        newApproval({ createdAt: NOW + HOUR, expiresAt: NOW + 2 * HOUR }),
        NOW + HOUR,
      );
      assert.equal(afterExpiry.reused, false);
      assert.notEqual(afterExpiry.request.id, first.request.id);
    }));

  test('lists newest first, filtered by effective status and requester', () =>
    withStore(async (store) => {
      const old = await store.create(newApproval({ createdAt: NOW - 2 * HOUR, expiresAt: NOW - HOUR }), NOW - 2 * HOUR);
      const live = await store.create(newApproval({ requester: 'bob' }), NOW);
      const ids = (filter: Parameters<ApprovalStore['list']>[0]) =>
        store.list(filter, NOW).then((list) => list.map((request) => request.id));
      assert.deepEqual(await ids({}), [live.request.id, old.request.id]);
      assert.deepEqual(await ids({ status: 'pending' }), [live.request.id]);
      assert.deepEqual(await ids({ status: 'expired' }), [old.request.id]);
      assert.deepEqual(await ids({ requester: 'alice' }), [old.request.id]);
      assert.deepEqual(await ids({ limit: 1 }), [live.request.id]);
    }));
});

describe('ApprovalStore votes', () => {
  test('approves on the M-th vote, tells only that voter, and refuses a vote after the decision', () =>
    withStore(async (store) => {
      const { request } = await store.create(newApproval(), NOW);
      const first = await store.vote(request.id, olga, 'approve', 'ok by me', NOW + 1);
      assert.equal(first.request.status, 'pending');
      assert.equal(first.becameApproved, false);
      const second = await store.vote(request.id, sam, 'approve', undefined, NOW + 2);
      assert.equal(second.request.status, 'approved');
      assert.equal(second.request.decidedAt, NOW + 2);
      assert.equal(second.becameApproved, true);
      assert.deepEqual(second.request.votes, [
        { voter: 'olga', decision: 'approve', at: NOW + 1, comment: 'ok by me' },
        { voter: 'sam', decision: 'approve', at: NOW + 2 },
      ]);
      const third = { user: 'tom', holdsApprovalGrant: true };
      assert.equal(
        await refusalCode(store.vote(request.id, third, 'approve', undefined, NOW + 3)),
        'APPROVAL_ALREADY_DECIDED',
      );
      assert.equal((await store.get(request.id))?.votes.length, 2);
    }));

  test('changes nothing when a vote is refused', () =>
    withStore(async (store) => {
      const { request } = await store.create(newApproval(), NOW);
      const alice = { user: 'alice', holdsApprovalGrant: true };
      assert.equal(
        await refusalCode(store.vote(request.id, alice, 'approve', undefined, NOW)),
        'APPROVAL_SELF_APPROVAL',
      );
      await store.vote(request.id, olga, 'approve', undefined, NOW);
      assert.equal(await refusalCode(store.vote(request.id, olga, 'reject', undefined, NOW)), 'APPROVAL_ALREADY_VOTED');
      assert.deepEqual(
        (await store.get(request.id))?.votes.map((vote) => vote.decision),
        ['approve'],
      );
      assert.equal(
        await refusalCode(store.vote('apr_000000000000000000000fff', olga, 'approve', undefined, NOW)),
        'APPROVAL_NOT_FOUND',
      );
    }));

  test('ends the request on a rejection', () =>
    withStore(async (store) => {
      const { request } = await store.create(newApproval(), NOW);
      const rejected = await store.vote(request.id, olga, 'reject', 'not during the audit', NOW);
      assert.equal(rejected.request.status, 'rejected');
      assert.equal(
        await refusalCode(store.vote(request.id, sam, 'approve', undefined, NOW)),
        'APPROVAL_ALREADY_DECIDED',
      );
    }));

  test('lets the requester cancel a pending request', () =>
    withStore(async (store) => {
      const { request } = await store.create(newApproval(), NOW);
      assert.equal(await refusalCode(store.cancel(request.id, 'olga', NOW)), 'PERMISSION_DENIED');
      assert.equal((await store.cancel(request.id, 'alice', NOW)).status, 'cancelled');
      assert.equal(await refusalCode(store.cancel(request.id, 'alice', NOW)), 'APPROVAL_ALREADY_DECIDED');
    }));
});

describe('ApprovalStore expiry and execution', () => {
  test('expires only pending requests whose time has come, once', () =>
    withStore(async (store) => {
      const due = await store.create(newApproval({ expiresAt: NOW + HOUR }), NOW);
      const later = await store.create(newApproval({ requester: 'bob', expiresAt: NOW + 3 * HOUR }), NOW);
      const approved = await store.create(newApproval({ requester: 'carl', required: 1, expiresAt: NOW + HOUR }), NOW);
      await store.vote(approved.request.id, olga, 'approve', undefined, NOW);
      const expired = await store.expireDue(NOW + HOUR);
      assert.deepEqual(
        expired.map((request) => [request.id, request.status, request.decidedAt]),
        [[due.request.id, 'expired', NOW + HOUR]],
      );
      assert.deepEqual(await store.expireDue(NOW + HOUR), []);
      assert.equal((await store.get(later.request.id))?.status, 'pending');
      assert.equal((await store.get(approved.request.id))?.status, 'approved');
    }));

  test('claims an approved request for execution once and records its outcome', () =>
    withStore(async (store) => {
      const { request } = await store.create(newApproval({ required: 1 }), NOW);
      assert.equal(await store.claimForExecution(request.id, NOW), undefined, 'a pending request cannot be claimed');
      assert.equal(await refusalCode(store.finish(request.id, 'executed', {}, NOW)), 'APPROVAL_ALREADY_DECIDED');
      await store.vote(request.id, olga, 'approve', undefined, NOW);
      const claims = await Promise.all([1, 2, 3].map(() => store.claimForExecution(request.id, NOW + 1)));
      assert.equal(claims.filter((claim) => claim !== undefined).length, 1);
      assert.equal(claims.find((claim) => claim !== undefined)?.status, 'executing');
      const done = await store.finish(request.id, 'executed', { disabled: true }, NOW + 2);
      assert.deepEqual(
        [done.status, done.result, done.claimedAt, done.finishedAt],
        ['executed', { disabled: true }, NOW + 1, NOW + 2],
      );
      assert.equal(await refusalCode(store.finish(request.id, 'failed', {}, NOW + 3)), 'APPROVAL_ALREADY_DECIDED');
    }));

  test('fails executions a stopped server left behind, and only those claimed before the cut-off', () =>
    withStore(async (store) => {
      const ids: string[] = [];
      for (const [requester, claimedAt] of [
        ['a', NOW],
        ['b', NOW + HOUR],
      ] as const) {
        const { request } = await store.create(newApproval({ requester, required: 1 }), NOW);
        await store.vote(request.id, olga, 'approve', undefined, NOW);
        await store.claimForExecution(request.id, claimedAt);
        ids.push(request.id);
      }
      const error = { code: 'INTERNAL', message: 'the server stopped' };
      const failed = await store.failInterrupted(NOW + 1, error, NOW + 2 * HOUR);
      assert.deepEqual(
        failed.map((request) => [request.id, request.status, request.result]),
        [[ids[0], 'failed', { error }]],
      );
      assert.equal((await store.get(ids[1] ?? ''))?.status, 'executing');
    }));
});

describe('ApprovalStore settings and failures', () => {
  test('keeps one settings row, replaced on each write', () =>
    withStore(async (store) => {
      assert.equal(await store.readSettings(), undefined);
      await store.writeSettings({ enabled: true }, NOW, 'admin');
      await store.writeSettings({ enabled: false, requiredApprovals: 2 }, NOW + 1, 'olga');
      assert.deepEqual(await store.readSettings(), {
        settings: { enabled: false, requiredApprovals: 2 },
        updatedAt: NOW + 1,
        updatedBy: 'olga',
      });
    }));

  test('reports an SQLite failure as CATALOG_ERROR naming the catalog', () =>
    withStore(async (store, db, file) => {
      await sql`drop table approval_votes`.execute(db);
      await assert.rejects(store.create(newApproval(), NOW), (error: unknown) => {
        assert.ok(isAmberError(error, 'CATALOG_ERROR'));
        assert.ok(error.message.includes(file));
        return true;
      });
    }));

  test('serializes JSON with sorted keys at every level', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('ApprovalStore across connections', () => {
  async function race(tasks: readonly Omit<RaceTask, 'start'>[]): Promise<RaceResult[]> {
    const start = new SharedArrayBuffer(4);
    const script = new URL('./approval-store-race-worker.js', import.meta.url);
    const workers = tasks.map((task) => new Worker(script, { workerData: { ...task, start } }));
    let ready = 0;
    const results = workers.map(
      (worker) =>
        new Promise<RaceResult>((resolve, reject) => {
          worker.on('message', (message: unknown) => {
            if (message !== 'ready') return resolve(message as RaceResult);
            ready += 1;
            if (ready === workers.length) {
              Atomics.store(new Int32Array(start), 0, 1);
              Atomics.notify(new Int32Array(start), 0);
            }
          });
          worker.on('error', reject);
        }),
    );
    try {
      return await Promise.all(results);
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  }

  test('lets exactly one of several connections claim an approved request', () =>
    withStore(async (store, _db, file) => {
      const { request } = await store.create(newApproval({ required: 1 }), NOW);
      await store.vote(request.id, olga, 'approve', undefined, NOW);
      const results = await race(
        [1, 2, 3, 4].map((n) => ({
          file,
          approvalId: request.id,
          action: 'claim' as const,
          voter: `w${n}`,
          nowMs: NOW,
        })),
      );
      assert.deepEqual(results.map((result) => result.kind).sort(), [
        'claimed',
        'not-claimed',
        'not-claimed',
        'not-claimed',
      ]);
      assert.equal((await store.get(request.id))?.status, 'executing');
    }));

  test('counts the M-th approval once when approvers vote at the same moment', () =>
    withStore(async (store, _db, file) => {
      const { request } = await store.create(newApproval({ required: 2 }), NOW);
      const results = await race(
        ['olga', 'sam', 'tom'].map((voter) => ({
          file,
          approvalId: request.id,
          action: 'approve' as const,
          voter,
          nowMs: NOW,
        })),
      );
      const voted = results.filter((result) => result.kind === 'voted');
      assert.equal(voted.length, 2, JSON.stringify(results));
      assert.equal(voted.filter((result) => result.becameApproved).length, 1);
      assert.deepEqual(
        results.filter((result) => result.kind === 'refused'),
        [{ kind: 'refused', code: 'APPROVAL_ALREADY_DECIDED' }],
      );
      const stored = await store.get(request.id);
      assert.equal(stored?.status, 'approved');
      assert.equal(stored?.votes.length, 2);
    }));
});
