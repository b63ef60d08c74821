import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  approvalCount,
  decideCancel,
  decideVote,
  describeOperation,
  effectiveApprovalStatus,
  isApprovalId,
  isProtectedOperation,
  PROTECTED_OPERATIONS,
  type ApprovalId,
  type ApprovalRequest,
  type ApprovalVote,
  type Voter,
} from './approval-rules.js';

const NOW = 1_767_225_600_000;
const HOUR = 3_600_000;
const officer: Voter = { user: 'olga', holdsApprovalGrant: true };
const officer2: Voter = { user: 'sam', holdsApprovalGrant: true };

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'apr_000000000000000000000001' as ApprovalId,
    operation: 'immutability.disable',
    vault: 'default',
    params: {},
    summary: 'Disable immutability of vault default',
    requester: 'alice',
    createdAt: NOW - HOUR,
    expiresAt: NOW + HOUR,
    status: 'pending',
    required: 2,
    votes: [],
    ...overrides,
  };
}

const approve = (voter: string): ApprovalVote => ({ voter, decision: 'approve', at: NOW - 1 });

describe('protected operations', () => {
  test('names the eight operations a server can protect', () => {
    assert.deepEqual(PROTECTED_OPERATIONS, [
      'immutability.disable',
      'retention.reduce',
      'point.delete-bypass-governance',
      'vault.delete',
      'legal-hold.release',
      'approvals.configure',
      'clock.acknowledge',
      'key.remove',
    ]);
    assert.equal(isProtectedOperation('vault.delete'), true);
    assert.equal(isProtectedOperation('backup'), false);
  });

  test('describes an operation as a phrase naming the vault', () => {
    assert.equal(describeOperation('immutability.disable', 'default'), 'Disable immutability of vault default');
    assert.equal(describeOperation('vault.delete', 'archive'), 'Delete vault archive');
    assert.equal(describeOperation('approvals.configure'), 'Change the approval settings');
    for (const operation of PROTECTED_OPERATIONS) assert.match(describeOperation(operation, 'v'), /^[A-Z]/);
  });

  test('recognizes approval ids of the form apr_ and 24 hex characters', () => {
    assert.equal(isApprovalId('apr_0123456789abcdef01234567'), true);
    assert.equal(isApprovalId('apr_0123456789ABCDEF01234567'), false);
    assert.equal(isApprovalId('apr_0123'), false);
  });
});

describe('decideVote', () => {
  test('refuses the requester approving their own request', () => {
    const outcome = decideVote(request(), { user: 'alice', holdsApprovalGrant: true }, 'approve', NOW);
    assert.equal(outcome.allowed, false);
    assert.equal(!outcome.allowed && outcome.code, 'APPROVAL_SELF_APPROVAL');
  });

  test('refuses the requester rejecting their own request (they cancel it instead)', () => {
    const outcome = decideVote(request(), { user: 'alice', holdsApprovalGrant: true }, 'reject', NOW);
    assert.equal(!outcome.allowed && outcome.code, 'APPROVAL_SELF_APPROVAL');
  });

  test('refuses a voter without approval.grant before anything else', () => {
    const outcome = decideVote(
      request({ status: 'executed' }),
      { user: 'bob', holdsApprovalGrant: false },
      'approve',
      NOW,
    );
    assert.equal(!outcome.allowed && outcome.code, 'APPROVAL_NOT_PERMITTED');
  });

  test('keeps a request pending until its M-th approval, then approves it', () => {
    const first = decideVote(request(), officer, 'approve', NOW);
    assert.deepEqual(first, { allowed: true, status: 'pending', approvals: 1 });
    const second = decideVote(request({ votes: [approve('olga')] }), officer2, 'approve', NOW);
    assert.deepEqual(second, { allowed: true, status: 'approved', approvals: 2 });
  });

  test('ends a request on the first rejection, whatever approvals it had', () => {
    const outcome = decideVote(request({ votes: [approve('olga')] }), officer2, 'reject', NOW);
    assert.deepEqual(outcome, { allowed: true, status: 'rejected', approvals: 1 });
  });

  test('refuses a second vote by the same person', () => {
    const outcome = decideVote(request({ votes: [approve('olga')] }), officer, 'approve', NOW);
    assert.equal(!outcome.allowed && outcome.code, 'APPROVAL_ALREADY_VOTED');
  });

  test('refuses a vote on a request that is no longer pending, naming its status', () => {
    for (const status of ['approved', 'rejected', 'cancelled', 'executing', 'executed', 'failed'] as const) {
      const outcome = decideVote(request({ status }), officer, 'approve', NOW);
      assert.equal(!outcome.allowed && outcome.code, 'APPROVAL_ALREADY_DECIDED', status);
      assert.match(!outcome.allowed ? outcome.reason : '', new RegExp(`already ${status}`));
    }
  });

  test('refuses a vote once the request has expired, even before the expiry is recorded', () => {
    const atExpiry = decideVote(request(), officer, 'approve', NOW + HOUR);
    assert.equal(!atExpiry.allowed && atExpiry.code, 'APPROVAL_EXPIRED');
    const justBefore = decideVote(request(), officer, 'approve', NOW + HOUR - 1);
    assert.equal(justBefore.allowed, true);
    const recorded = decideVote(request({ status: 'expired' }), officer, 'approve', NOW);
    assert.equal(!recorded.allowed && recorded.code, 'APPROVAL_EXPIRED');
  });
});

describe('decideCancel and effective status', () => {
  test('lets only the requester cancel, and only while pending', () => {
    assert.equal(decideCancel(request(), 'alice', NOW), undefined);
    assert.equal(decideCancel(request(), 'olga', NOW)?.code, 'PERMISSION_DENIED');
    assert.equal(decideCancel(request({ status: 'approved' }), 'alice', NOW)?.code, 'APPROVAL_ALREADY_DECIDED');
    assert.equal(decideCancel(request(), 'alice', NOW + HOUR)?.code, 'APPROVAL_EXPIRED');
  });

  test('shows a pending request past its expiry as expired and leaves other statuses alone', () => {
    assert.equal(effectiveApprovalStatus(request(), NOW), 'pending');
    assert.equal(effectiveApprovalStatus(request(), NOW + HOUR), 'expired');
    assert.equal(effectiveApprovalStatus(request({ status: 'approved' }), NOW + 2 * HOUR), 'approved');
  });

  test('counts approvals, not rejections', () => {
    const votes: ApprovalVote[] = [approve('olga'), { voter: 'sam', decision: 'reject', at: NOW }];
    assert.equal(approvalCount({ votes }), 1);
  });
});
