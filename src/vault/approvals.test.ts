import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { Voter } from '../core/approval-rules.js';
import type { ApprovalSettingsPatch } from '../core/approval-rules-settings.js';
import { MS_PER_HOUR, MS_PER_MINUTE } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { ApprovalStore, type ApprovalTables } from '../catalog/approval-store.js';
import { openApprovalDatabase } from '../catalog/approval-store-testing.js';
import { ApprovalService, type ApprovalRequestInput } from './approvals.js';

const olga: Voter = { user: 'olga', holdsApprovalGrant: true };
const sam: Voter = { user: 'sam', holdsApprovalGrant: true };
const tom: Voter = { user: 'tom', holdsApprovalGrant: true };
const disable: ApprovalRequestInput = {
  operation: 'immutability.disable',
  vault: 'default',
  params: { vault: 'default' },
  requester: 'alice',
  reason: 'the vault moves to new storage',
};

let dir: string;
let fileCount = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amber-approvals-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Fixture {
  readonly approvals: ApprovalService;
  readonly clock: FakeClock;
  readonly file: string;
}

/** A service over a fresh SQLite file; `settings` are applied first by an admin (approvals start off). */
async function withApprovals(
  settings: ApprovalSettingsPatch | undefined,
  work: (fixture: Fixture) => Promise<void>,
): Promise<void> {
  fileCount += 1;
  const file = join(dir, `catalog-${fileCount}.sqlite`);
  const db: Kysely<ApprovalTables> = await openApprovalDatabase(file);
  try {
    const clock = new FakeClock();
    const approvals = new ApprovalService({ clock, store: new ApprovalStore(db, file) });
    if (settings !== undefined) await approvals.configure(settings, 'admin');
    await work({ approvals, clock, file });
  } finally {
    await db.destroy();
  }
}

const twoOfN: ApprovalSettingsPatch = { enabled: true, requiredApprovals: 2 };

async function refusal(work: Promise<unknown>): Promise<AmberError> {
  try {
    await work;
  } catch (error) {
    assert.ok(isAmberError(error), String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('approval requests', () => {
  test('creates a pending request that expires after the configured time, with its audit event and error', () =>
    withApprovals({ ...twoOfN, requestTtlMs: 2 * MS_PER_HOUR }, async ({ approvals, clock }) => {
      const { request, reused, audit, error } = await approvals.request(disable);
      assert.match(request.id, /^apr_[0-9a-f]{24}$/);
      assert.equal(reused, false);
      assert.deepEqual(
        [request.status, request.required, request.summary, request.expiresAt],
        ['pending', 2, 'Disable immutability of vault default', clock.nowMs() + 2 * MS_PER_HOUR],
      );
      assert.deepEqual(
        [audit.action, audit.actor, audit.target, audit.outcome],
        ['approval.request', 'alice', request.id, 'ok'],
      );
      assert.match(audit.message, /alice requested "Disable immutability of vault default"/);
      assert.equal(error.code, 'APPROVAL_REQUIRED');
      assert.match(
        error.message,
        /needs 2 approvals .* other than alice; request apr_\w+ has 0 and waits until 2026-01-01T02:00:00\.000Z/,
      );
      assert.deepEqual(await approvals.get(request.id), request);
    }));

  test('returns the pending request for the same thing instead of a duplicate', () =>
    withApprovals(twoOfN, async ({ approvals, clock }) => {
      const first = await approvals.request(disable);
      clock.advanceMs(MS_PER_MINUTE);
      const second = await approvals.request({ ...disable, reason: 'asking again' });
      assert.equal(second.reused, true);
      assert.equal(second.request.id, first.request.id);
      assert.match(second.audit.message, /asked again/);
      assert.equal(
        (await approvals.findReusable('alice', 'immutability.disable', 'default', { vault: 'default' }))?.id,
        first.request.id,
      );
      assert.equal(
        await approvals.findReusable('alice', 'immutability.disable', 'archive', { vault: 'archive' }),
        undefined,
      );
      assert.equal((await approvals.list()).length, 1);
    }));

  test('refuses a request for an operation that needs no approval', () =>
    withApprovals({ enabled: true, operations: ['vault.delete'] }, async ({ approvals }) => {
      assert.equal((await refusal(approvals.request(disable))).code, 'APPROVAL_NOT_REQUIRED');
      const unknown = { ...disable, operation: 'backup' } as unknown as ApprovalRequestInput;
      assert.equal((await refusal(approvals.request(unknown))).code, 'INVALID_ARGUMENT');
    }));

  test('refuses every request while approvals are off, and the gate lets the operation run', () =>
    withApprovals(undefined, async ({ approvals }) => {
      const error = await refusal(approvals.request(disable));
      assert.equal(error.code, 'APPROVAL_NOT_REQUIRED');
      assert.match(error.message, /approvals are off/);
      assert.deepEqual(await approvals.requireApproval(disable), { required: false });
    }));

  test('gates a protected operation with a request and the APPROVAL_REQUIRED error', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const gate = await approvals.requireApproval(disable);
      assert.equal(gate.required, true);
      assert.equal(gate.required && gate.error.code, 'APPROVAL_REQUIRED');
      const again = await approvals.requireApproval(disable);
      assert.equal(again.required && again.reused, true);
    }));

  test('refuses blank or oversized fields and params that are not a JSON object', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      for (const input of [
        { ...disable, requester: ' ' },
        { ...disable, summary: 'x'.repeat(301) },
        { ...disable, params: { blob: 'x'.repeat(70_000) } },
        { ...disable, params: [1] as unknown as Record<string, unknown> },
      ]) {
        assert.equal((await refusal(approvals.request(input))).code, 'INVALID_ARGUMENT');
      }
    }));
});

describe('votes', () => {
  test('never lets the requester approve, even holding approval.grant', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      const error = await refusal(approvals.approve(request.id, { user: 'alice', holdsApprovalGrant: true }));
      assert.equal(error.code, 'APPROVAL_SELF_APPROVAL');
      assert.equal(error.details['approvalId'], request.id);
      assert.equal((await approvals.get(request.id)).votes.length, 0);
    }));

  test('refuses a voter without approval.grant', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      assert.equal(
        (await refusal(approvals.approve(request.id, { user: 'op', holdsApprovalGrant: false }))).code,
        'APPROVAL_NOT_PERMITTED',
      );
    }));

  test('needs M approvals: one leaves it pending, the second approves it, a third vote is refused', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      const first = await approvals.approve(request.id, olga, 'checked the ticket');
      assert.equal(first.request.status, 'pending');
      assert.deepEqual([first.audit.action, first.audit.actor], ['approval.approve', 'olga']);
      assert.match(first.audit.message, /1 of 2 approvals\.$/);
      assert.equal(first.audit.details?.['comment'], 'checked the ticket');
      assert.equal((await refusal(approvals.approve(request.id, olga))).code, 'APPROVAL_ALREADY_VOTED');
      const second = await approvals.approve(request.id, sam);
      assert.equal(second.request.status, 'approved');
      assert.match(second.audit.message, /2 of 2 approvals; it is approved and runs now\.$/);
      assert.equal((await refusal(approvals.approve(request.id, tom))).code, 'APPROVAL_ALREADY_DECIDED');
      assert.equal((await refusal(approvals.reject(request.id, tom))).code, 'APPROVAL_ALREADY_DECIDED');
    }));

  test('ends the request on one rejection', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      const rejected = await approvals.reject(request.id, sam, 'not now');
      assert.equal(rejected.request.status, 'rejected');
      assert.equal(rejected.audit.action, 'approval.reject');
      assert.equal((await refusal(approvals.approve(request.id, tom))).code, 'APPROVAL_ALREADY_DECIDED');
      assert.equal(await approvals.claimForExecution(request.id), undefined);
      assert.deepEqual(
        (await approvals.list({ status: 'rejected' })).map((r) => r.id),
        [request.id],
      );
    }));

  test('lets the requester cancel, and nobody else', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      assert.equal((await refusal(approvals.cancel(request.id, 'olga'))).code, 'PERMISSION_DENIED');
      const cancelled = await approvals.cancel(request.id, 'alice');
      assert.deepEqual([cancelled.request.status, cancelled.audit.action], ['cancelled', 'approval.cancel']);
    }));

  test('reports an unknown request as APPROVAL_NOT_FOUND', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      assert.equal((await refusal(approvals.get('apr_000000000000000000000000'))).code, 'APPROVAL_NOT_FOUND');
      assert.equal((await refusal(approvals.approve('apr_000000000000000000000000', olga))).code, 'APPROVAL_NOT_FOUND');
    }));
});

describe('expiry', () => {
  test('refuses votes once the request expired, shows it expired, and records the expiry once', () =>
    withApprovals({ ...twoOfN, requestTtlMs: MS_PER_HOUR }, async ({ approvals, clock }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      clock.advanceMs(MS_PER_HOUR - 1);
      assert.equal((await approvals.get(request.id)).status, 'pending');
      assert.deepEqual((await approvals.expireDue()).expired, []);
      clock.advanceMs(1);
      assert.equal((await approvals.get(request.id)).status, 'expired');
      assert.deepEqual((await approvals.list({ status: 'pending' })).length, 0);
      const error = await refusal(approvals.approve(request.id, sam));
      assert.equal(error.code, 'APPROVAL_EXPIRED');
      assert.match(error.message, /expired at 2026-01-01T01:00:00\.000Z with 1 of 2 approvals/);
      const { expired, audit } = await approvals.expireDue();
      assert.deepEqual(
        expired.map((r) => [r.id, r.status]),
        [[request.id, 'expired']],
      );
      assert.deepEqual(
        [audit[0]?.action, audit[0]?.actor, audit[0]?.target],
        ['approval.expire', 'system', request.id],
      );
      assert.deepEqual((await approvals.expireDue()).expired, []);
    }));

  test('creates a new request after the old one expired', () =>
    withApprovals({ ...twoOfN, requestTtlMs: MS_PER_HOUR }, async ({ approvals, clock }) => {
      const first = await approvals.request(disable);
      clock.advanceMs(MS_PER_HOUR);
      const second = await approvals.request(disable);
      assert.equal(second.reused, false);
      assert.notEqual(second.request.id, first.request.id);
    }));
});

describe('execution', () => {
  test('lets exactly one of many concurrent claims run the approved operation', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      const votes = await Promise.allSettled([approvals.approve(request.id, sam), approvals.approve(request.id, tom)]);
      assert.equal(votes.filter((vote) => vote.status === 'fulfilled').length, 1);
      const claims = await Promise.all([1, 2, 3, 4, 5].map(() => approvals.claimForExecution(request.id)));
      const winners = claims.filter((claim) => claim !== undefined);
      assert.equal(winners.length, 1);
      assert.deepEqual(winners[0]?.params, { vault: 'default' });
      const done = await approvals.markExecuted(request.id, { state: 'disabled' });
      assert.deepEqual([done.request.status, done.request.result], ['executed', { state: 'disabled' }]);
      assert.deepEqual([done.audit.action, done.audit.actor, done.audit.outcome], ['approval.execute', 'alice', 'ok']);
      const approvedBy = done.audit.details?.['approvedBy'] as string[];
      assert.deepEqual([approvedBy.length, approvedBy[0]], [2, 'olga']);
      assert.equal(await approvals.claimForExecution(request.id), undefined);
    }));

  test('records a failed execution with the error code and message', () =>
    withApprovals({ enabled: true }, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      await approvals.claimForExecution(request.id);
      const failed = await approvals.markFailed(request.id, new AmberError('VAULT_LOCKED', 'The vault is locked.'));
      assert.equal(failed.request.status, 'failed');
      assert.deepEqual(failed.request.result, { error: { code: 'VAULT_LOCKED', message: 'The vault is locked.' } });
      assert.deepEqual([failed.audit.outcome, failed.audit.code], ['failed', 'VAULT_LOCKED']);
    }));

  test('refuses to record an outcome for a request that was not claimed', () =>
    withApprovals({ enabled: true }, async ({ approvals }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      assert.equal((await refusal(approvals.markExecuted(request.id))).code, 'APPROVAL_ALREADY_DECIDED');
    }));

  test('fails executions interrupted by a stopped server', () =>
    withApprovals({ enabled: true }, async ({ approvals, clock }) => {
      const { request } = await approvals.request(disable);
      await approvals.approve(request.id, olga);
      await approvals.claimForExecution(request.id);
      assert.deepEqual((await approvals.failInterrupted(MS_PER_HOUR)).failed, []);
      clock.advanceMs(MS_PER_HOUR + 1);
      const { failed, audit } = await approvals.failInterrupted(MS_PER_HOUR);
      assert.deepEqual(
        failed.map((r) => r.status),
        ['failed'],
      );
      assert.equal(audit[0]?.outcome, 'failed');
    }));
});

describe('approval settings', () => {
  test('start off and turn on at once, without an approval', () =>
    withApprovals(undefined, async ({ approvals }) => {
      assert.equal((await approvals.settings()).enabled, false);
      const outcome = await approvals.configure({ enabled: true, requiredApprovals: 2 }, 'admin');
      assert.equal(outcome.kind, 'applied');
      assert.equal(outcome.kind === 'applied' && outcome.audit.action, 'approvals.configure');
      assert.deepEqual(await approvals.settings(), {
        enabled: true,
        requiredApprovals: 2,
        operations: [
          'immutability.disable',
          'retention.reduce',
          'point.delete-bypass-governance',
          'vault.delete',
          'legal-hold.release',
          'approvals.configure',
          'clock.acknowledge',
          'key.remove',
        ],
        requestTtlMs: 86_400_000,
      });
      assert.equal((await approvals.configure({ requiredApprovals: 2 }, 'admin')).kind, 'unchanged');
    }));

  test('refuse invalid settings, listing every problem', () =>
    withApprovals(undefined, async ({ approvals }) => {
      const error = await refusal(approvals.configure({ requiredApprovals: 0, requestTtlMs: 1000 }, 'admin'));
      assert.equal(error.code, 'INVALID_APPROVAL_SETTINGS');
      assert.equal((error.details['problems'] as unknown[]).length, 2);
    }));

  test('refuse needing more approvals than there are approvers', () =>
    withApprovals(undefined, async ({ approvals }) => {
      const error = await refusal(approvals.configure(twoOfN, 'admin', { eligibleApproverCount: 1 }));
      assert.equal(error.code, 'INVALID_APPROVAL_SETTINGS');
      assert.match(error.message, /only 1 user holds approval\.grant/);
      assert.equal((await approvals.configure(twoOfN, 'admin', { eligibleApproverCount: 2 })).kind, 'applied');
    }));

  test('need an approval to change while approvals.configure is protected, and apply once approved and claimed', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const outcome = await approvals.configure({ enabled: false }, 'admin', { reason: 'pilot over' });
      assert.equal(outcome.kind, 'approval-required');
      if (outcome.kind !== 'approval-required') return;
      assert.equal(outcome.error.code, 'APPROVAL_REQUIRED');
      assert.equal(outcome.request.operation, 'approvals.configure');
      assert.match(outcome.request.summary, /^Change the approval settings to: Approvals off/);
      assert.equal((await approvals.settings()).enabled, true, 'nothing changes before the approvals');
      const again = await approvals.configure({ enabled: false }, 'admin');
      assert.equal(again.kind === 'approval-required' && again.reused, true);
      assert.equal(
        (await refusal(approvals.applyApprovedConfiguration(outcome.request))).code,
        'APPROVAL_ALREADY_DECIDED',
      );
      await approvals.approve(outcome.request.id, olga);
      await approvals.approve(outcome.request.id, sam);
      const claimed = await approvals.claimForExecution(outcome.request.id);
      assert.ok(claimed !== undefined);
      const applied = await approvals.applyApprovedConfiguration(claimed);
      assert.equal(applied.settings.enabled, false);
      assert.match(applied.audit.message, /admin changed the approval settings \(approved request apr_\w+\)/);
      assert.equal((await approvals.settings()).enabled, false);
      await approvals.markExecuted(claimed.id);
    }));

  test('apply at once when approvals.configure is not among the protected operations', () =>
    withApprovals({ enabled: true, operations: ['vault.delete'] }, async ({ approvals }) => {
      assert.equal((await approvals.configure({ enabled: false }, 'admin')).kind, 'applied');
    }));

  test('take approvals.configure requests only with valid settings', () =>
    withApprovals(twoOfN, async ({ approvals }) => {
      const bad = {
        operation: 'approvals.configure',
        params: { settings: { requiredApprovals: 99 } },
        requester: 'admin',
      } as const;
      assert.equal((await refusal(approvals.request(bad))).code, 'INVALID_APPROVAL_SETTINGS');
      const good = await approvals.request({ ...bad, params: { settings: { requiredApprovals: 3 } } });
      assert.deepEqual(good.request.params['settings'], { ...(await approvals.settings()), requiredApprovals: 3 });
    }));
});
