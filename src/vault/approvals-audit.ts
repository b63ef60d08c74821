import { approvalCount, type ApprovalRequest } from '../core/approval-rules.js';
import { describeSettings, type ApprovalSettings } from '../core/approval-rules-settings.js';
import { toIso } from '../core/clock.js';
import type { AuditEvent } from '../catalog/audit-event.js';

/**
 * The audit events of approvals, built here so every caller writes the same sentences; the server
 * appends them to its audit trail. Actions: approval.request, approval.approve, approval.reject,
 * approval.cancel, approval.expire, approval.execute, approvals.configure.
 */
export function requestEvent(request: ApprovalRequest, reused: boolean, atMs: number): AuditEvent {
  const needs = `${request.required} approval${request.required === 1 ? '' : 's'}`;
  const message = reused
    ? `${request.requester} asked again for "${request.summary}"; pending request ${request.id} (${needs}, expires ${toIso(request.expiresAt)}) stands.`
    : `${request.requester} requested "${request.summary}" (${request.id}); it needs ${needs} and expires ${toIso(request.expiresAt)}.`;
  return event(request, atMs, request.requester, 'approval.request', message, { reused });
}

export function voteEvent(request: ApprovalRequest, voter: string, atMs: number): AuditEvent {
  const vote = request.votes.find((v) => v.voter === voter);
  const tally = `${approvalCount(request)} of ${request.required} approvals`;
  if (vote?.decision === 'reject') {
    return event(
      request,
      atMs,
      voter,
      'approval.reject',
      `${voter} rejected "${request.summary}" (${request.id}); the request is closed.`,
      comment(vote.comment),
    );
  }
  const outcome = request.status === 'approved' ? '; it is approved and runs now' : '';
  return event(
    request,
    atMs,
    voter,
    'approval.approve',
    `${voter} approved "${request.summary}" (${request.id}): ${tally}${outcome}.`,
    comment(vote?.comment),
  );
}

export function cancelEvent(request: ApprovalRequest, atMs: number): AuditEvent {
  const message = `${request.requester} cancelled the request for "${request.summary}" (${request.id}).`;
  return event(request, atMs, request.requester, 'approval.cancel', message);
}

export function expireEvent(request: ApprovalRequest, atMs: number): AuditEvent {
  const message = `The request for "${request.summary}" (${request.id}) expired at ${toIso(request.expiresAt)} with ${approvalCount(request)} of ${request.required} approvals.`;
  return event(request, atMs, 'system', 'approval.expire', message);
}

/** The approved operation ran (or failed) on behalf of its requester. */
export function executionEvent(request: ApprovalRequest, atMs: number, failure?: ApprovalFailure): AuditEvent {
  const approvers = request.votes.filter((v) => v.decision === 'approve').map((v) => v.voter);
  const by = `on behalf of ${request.requester}, approved by ${approvers.join(', ')}`;
  const base = event(
    request,
    atMs,
    request.requester,
    'approval.execute',
    failure === undefined
      ? `"${request.summary}" (${request.id}) ran ${by}.`
      : `"${request.summary}" (${request.id}) failed when run ${by}: ${failure.message}`,
    { approvedBy: approvers },
  );
  return failure === undefined ? base : { ...base, outcome: 'failed', code: failure.code };
}

export function settingsEvent(
  settings: ApprovalSettings,
  actor: string,
  atMs: number,
  approval?: ApprovalRequest,
): AuditEvent {
  const via = approval === undefined ? '' : ` (approved request ${approval.id})`;
  return {
    at: atMs,
    actor,
    action: 'approvals.configure',
    target: 'approvals',
    outcome: 'ok',
    message: `${actor} changed the approval settings${via}. ${describeSettings(settings)}`,
    details: { settings, ...(approval === undefined ? {} : { approvalId: approval.id }) },
  };
}

export interface ApprovalFailure {
  readonly code: string;
  readonly message: string;
}

function event(
  request: ApprovalRequest,
  atMs: number,
  actor: string,
  action: string,
  message: string,
  extra: Record<string, unknown> = {},
): AuditEvent {
  return {
    at: atMs,
    actor,
    action,
    target: request.id,
    outcome: 'ok',
    message,
    details: {
      operation: request.operation,
      ...(request.vault === undefined ? {} : { vault: request.vault }),
      status: request.status,
      approvals: approvalCount(request),
      required: request.required,
      ...extra,
    },
  };
}

function comment(text: string | undefined): Record<string, unknown> {
  return text === undefined ? {} : { comment: text };
}
