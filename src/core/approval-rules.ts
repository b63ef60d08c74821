import { toIso } from './clock.js';
import type { Brand } from './ids.js';
import { refuse, type Refusal } from './immutability/decision.js';

/**
 * Multi-user authorization (DESIGN §4, "four eyes"): the operations a server may protect with M-of-N
 * approvals, the shape of an approval request, and the pure rules of a vote. Storage and time come
 * from outside (catalog/approval-store.ts, vault/approvals.ts).
 */
export const PROTECTED_OPERATIONS = [
  'immutability.disable',
  'retention.reduce',
  'point.delete-bypass-governance',
  'vault.delete',
  'legal-hold.release',
  'approvals.configure',
  'clock.acknowledge',
  'key.remove',
] as const;

export type ProtectedOperation = (typeof PROTECTED_OPERATIONS)[number];

export const isProtectedOperation = (name: string): name is ProtectedOperation =>
  (PROTECTED_OPERATIONS as readonly string[]).includes(name);

/** `apr_` and 24 lowercase hex characters (random 96 bits). */
export type ApprovalId = Brand<string, 'ApprovalId'>;

const APPROVAL_ID = /^apr_[0-9a-f]{24}$/;
export const isApprovalId = (text: string): text is ApprovalId => APPROVAL_ID.test(text);

/**
 * `pending` until it has its approvals (→ `approved`), is rejected, cancelled by its requester or
 * expires; the server then claims an approved request (`executing`) and records how it ended.
 */
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'cancelled',
  'executing',
  'executed',
  'failed',
] as const;

export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const isApprovalStatus = (text: string): text is ApprovalStatus =>
  (APPROVAL_STATUSES as readonly string[]).includes(text);

export type VoteDecision = 'approve' | 'reject';

export interface ApprovalVote {
  readonly voter: string;
  readonly decision: VoteDecision;
  readonly at: number;
  readonly comment?: string;
}

/** A request to run a protected operation, with the votes cast on it. Instants are epoch milliseconds. */
export interface ApprovalRequest {
  readonly id: ApprovalId;
  readonly operation: ProtectedOperation;
  /** The vault the operation acts on, by name; absent for server-wide operations. */
  readonly vault?: string;
  /** What the server needs to run the operation once approved (a JSON object). */
  readonly params: Readonly<Record<string, unknown>>;
  /** What will happen, as people read it: "Disable immutability of vault default". */
  readonly summary: string;
  readonly requester: string;
  readonly reason?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: ApprovalStatus;
  /** M: approvals needed, fixed when the request was made. */
  readonly required: number;
  readonly votes: readonly ApprovalVote[];
  /** When it was approved, rejected, cancelled or expired. */
  readonly decidedAt?: number;
  /** When the server claimed it for execution. */
  readonly claimedAt?: number;
  /** When its execution was recorded as executed or failed. */
  readonly finishedAt?: number;
  /** What the execution returned (executed) or `{ error: { code, message } }` (failed). */
  readonly result?: unknown;
}

/** Who votes, and whether their role holds `approval.grant` (the server knows; the rules check). */
export interface Voter {
  readonly user: string;
  readonly holdsApprovalGrant: boolean;
}

export const approvalCount = (request: Pick<ApprovalRequest, 'votes'>): number =>
  request.votes.filter((vote) => vote.decision === 'approve').length;

/** The status as of `nowMs`: a pending request past its expiry is expired even before expireDue records it. */
export function effectiveApprovalStatus(
  request: Pick<ApprovalRequest, 'status' | 'expiresAt'>,
  nowMs: number,
): ApprovalStatus {
  return request.status === 'pending' && nowMs >= request.expiresAt ? 'expired' : request.status;
}

/** An allowed vote says what the request becomes; a refused one says why. */
export type VoteOutcome =
  | { readonly allowed: true; readonly status: 'pending' | 'approved' | 'rejected'; readonly approvals: number }
  | Refusal;

/**
 * May `voter` cast `decision` on `request` now? Only holders of approval.grant vote, never the
 * requester, once each, on a pending and unexpired request. M approvals approve it; one rejection
 * ends it.
 */
export function decideVote(request: ApprovalRequest, voter: Voter, decision: VoteDecision, nowMs: number): VoteOutcome {
  const details = { approvalId: request.id, operation: request.operation };
  const verb = decision === 'approve' ? 'approve' : 'reject';
  if (!voter.holdsApprovalGrant) {
    return refuse(
      'APPROVAL_NOT_PERMITTED',
      `${voter.user} cannot ${verb} ${request.id}: that needs the approval.grant permission (a security officer's role holds it).`,
      { details },
    );
  }
  if (voter.user === request.requester) {
    return refuse(
      'APPROVAL_SELF_APPROVAL',
      `${voter.user} requested ${request.id} and so cannot ${verb} it: another person holding approval.grant must.`,
      { details },
    );
  }
  const notPending = refuseUnlessPending(request, nowMs, `${verb} it`);
  if (notPending !== undefined) return notPending;
  if (request.votes.some((vote) => vote.voter === voter.user)) {
    return refuse(
      'APPROVAL_ALREADY_VOTED',
      `${voter.user} has already voted on ${request.id}; each approver votes once.`,
      {
        details,
      },
    );
  }
  if (decision === 'reject') return { allowed: true, status: 'rejected', approvals: approvalCount(request) };
  const approvals = approvalCount(request) + 1;
  return { allowed: true, status: approvals >= request.required ? 'approved' : 'pending', approvals };
}

/** Only the requester cancels, and only a pending, unexpired request (approvers reject instead). */
export function decideCancel(request: ApprovalRequest, actor: string, nowMs: number): Refusal | undefined {
  if (actor !== request.requester) {
    return refuse(
      'PERMISSION_DENIED',
      `${actor} cannot cancel ${request.id}: only its requester ${request.requester} can; approvers reject it instead.`,
      { details: { approvalId: request.id, operation: request.operation } },
    );
  }
  return refuseUnlessPending(request, nowMs, 'cancel it');
}

function refuseUnlessPending(request: ApprovalRequest, nowMs: number, action: string): Refusal | undefined {
  const details = { approvalId: request.id, operation: request.operation };
  const status = effectiveApprovalStatus(request, nowMs);
  if (status === 'expired') {
    return refuse(
      'APPROVAL_EXPIRED',
      `${request.id} ("${request.summary}") expired at ${toIso(request.expiresAt)} with ${approvalCount(request)} of ${request.required} approvals, so nobody can ${action} any more; request the operation again.`,
      { details: { ...details, expiresAt: toIso(request.expiresAt) } },
    );
  }
  if (status !== 'pending') {
    return refuse(
      'APPROVAL_ALREADY_DECIDED',
      `${request.id} ("${request.summary}") is already ${status}, so nobody can ${action} any more.`,
      { details: { ...details, status } },
    );
  }
  return undefined;
}

/** A default summary of the operation, a phrase people read in lists: "Disable immutability of vault default". */
export function describeOperation(operation: ProtectedOperation, vault?: string): string {
  const inVault = vault === undefined ? '' : ` in vault ${vault}`;
  switch (operation) {
    case 'immutability.disable':
      return vault === undefined ? 'Disable immutability' : `Disable immutability of vault ${vault}`;
    case 'retention.reduce':
      return `Reduce retention${inVault}`;
    case 'point.delete-bypass-governance':
      return `Delete a recovery point before its retention ends${inVault}`;
    case 'vault.delete':
      return vault === undefined ? 'Delete a vault' : `Delete vault ${vault}`;
    case 'legal-hold.release':
      return `Release a legal hold${inVault}`;
    case 'approvals.configure':
      return 'Change the approval settings';
    case 'clock.acknowledge':
      return 'Acknowledge the clock alert and resume expiry';
    case 'key.remove':
      return vault === undefined ? 'Remove a key envelope' : `Remove a key envelope of vault ${vault}`;
  }
}
