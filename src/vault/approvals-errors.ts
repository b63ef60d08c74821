import { approvalCount, type ApprovalRequest } from '../core/approval-rules.js';
import type { ApprovalSettings } from '../core/approval-rules-settings.js';
import { toIso } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import type { ApprovalFailure } from './approvals-audit.js';

/** APPROVAL_REQUIRED for a pending request: what runs, how many approvals it has and needs, until when. */
export function approvalRequiredError(request: ApprovalRequest): AmberError {
  const approvals = approvalCount(request);
  return new AmberError(
    'APPROVAL_REQUIRED',
    `"${request.summary}" needs ${request.required} approval${request.required === 1 ? '' : 's'} from people ` +
      `holding approval.grant other than ${request.requester}; request ${request.id} has ${approvals} and waits until ` +
      `${toIso(request.expiresAt)}. An approver runs: amber approval approve ${request.id}`,
    {
      details: {
        approvalId: request.id,
        operation: request.operation,
        approvals,
        required: request.required,
        expiresAt: toIso(request.expiresAt),
      },
    },
  );
}

/** Refuses settings needing more approvals than there are holders of approval.grant (nobody could approve). */
export function checkApproverCount(settings: ApprovalSettings, eligible: number | undefined): void {
  if (eligible === undefined || !settings.enabled || settings.requiredApprovals <= eligible) return;
  throw new AmberError(
    'INVALID_APPROVAL_SETTINGS',
    `The approval settings are not valid: they need ${settings.requiredApprovals} approvals but only ${eligible} ` +
      `user${eligible === 1 ? ' holds' : 's hold'} approval.grant, so no request could ever be approved; add approvers first.`,
    { details: { requiredApprovals: settings.requiredApprovals, eligibleApproverCount: eligible } },
  );
}

/** What is kept of an execution error: its code (INTERNAL for a foreign error) and message. */
export function failureOf(error: unknown): ApprovalFailure {
  if (isAmberError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: errorText(error) };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
