import { toIso } from '../clock.js';
import { ALLOWED, refuse, type Decision, type Refusal } from './decision.js';
import { countText } from './duration-text.js';
import {
  disableImmutability,
  effectiveImmutability,
  type ImmutabilityState,
  type VaultImmutability,
} from './immutability-state.js';
import type {
  ApprovalClaim,
  DeletePointOperation,
  GovernanceBypassClaim,
  KeyEnvelopeOperation,
  Operation,
  PolicyRetentionOperation,
  VaultGuardrailsOperation,
} from './operation.js';
import { isExpired, type PointsSummary } from './points-summary.js';
import { validateRetentionGuardrails } from './retention-guardrails.js';

export interface DecisionContext {
  /** The stored immutability; settled against nowMs here (locking → locked when due). */
  readonly vault: VaultImmutability;
  readonly nowMs: number;
}

/** The decision table of DESIGN §2.2: may `operation` run on a vault in this state, now? */
export function decide(operation: Operation, context: DecisionContext): Decision {
  const { nowMs } = context;
  const state = effectiveImmutability(context.vault, nowMs).state;
  switch (operation.op) {
    case 'backup':
    case 'restore':
    case 'verify':
    case 'change-schedule':
    case 'set-legal-hold':
      return ALLOWED;
    case 'delete-point':
      return decideDeletePoint(operation, state, nowMs);
    case 'stop-protection':
      return operation.deleteData
        ? decideDeleteAll('stop protection of the item and delete its data', operation.points, state, nowMs)
        : ALLOWED;
    case 'change-policy-retention':
    case 'move-item-to-policy':
      return decidePolicyRetention(operation, state);
    case 'change-vault-guardrails':
      return decideVaultGuardrails(operation, state);
    case 'disable-immutability':
      return decideDisableImmutability(operation, context);
    case 'delete-vault':
      return decideDeleteVault(operation.points, state, nowMs);
    case 'delete-key-envelope':
    case 'replace-key-envelope':
      return decideKeyEnvelope(operation);
    case 'release-legal-hold':
      return requireApproval(operation, 'Releasing a legal hold', 'release-legal-hold');
  }
}

/** Legal hold blocks in every state; an expired point goes; before retainUntil it depends on the state. */
function decideDeletePoint(operation: DeletePointOperation, state: ImmutabilityState, nowMs: number): Decision {
  const { point } = operation;
  const subject = point.id === undefined ? 'The recovery point' : `Recovery point ${point.id}`;
  const details = { ...(point.id === undefined ? {} : { pointId: point.id }), retainUntil: toIso(point.retainUntil) };
  if (point.legalHold) {
    return refuse(
      'LEGAL_HOLD_ACTIVE',
      `${subject} is under legal hold, which blocks its deletion in every vault state until the hold is released.`,
      { details },
    );
  }
  if (isExpired(point.retainUntil, nowMs) || state === 'disabled') return ALLOWED;
  const until = point.retainUntil;
  if (state === 'locked') {
    return refuse(
      'RETENTION_ACTIVE',
      `${subject} is retained until ${toIso(until)} and the vault is locked (compliance mode), so nobody can delete it before then.`,
      { until, details },
    );
  }
  return governed(operation, {
    refusal: refuse(
      'RETENTION_ACTIVE',
      `${subject} is retained until ${toIso(until)} and the vault's immutability is on; deleting it earlier needs the governance.bypass permission and an approval.`,
      { until, details },
    ),
    action: `Deleting ${subject.charAt(0).toLowerCase()}${subject.slice(1)} before ${toIso(until)}`,
    operation: 'delete-point',
    details,
  });
}

/** Deleting every point of an item or a vault: blocked by unexpired points while immutability is on, and by holds. */
function decideDeleteAll(action: string, points: PointsSummary, state: ImmutabilityState, nowMs: number): Decision {
  const latest = points.latestRetainUntil;
  if (state !== 'disabled' && latest !== undefined && !isExpired(latest, nowMs)) {
    return refuse(
      'UNEXPIRED_POINTS_EXIST',
      `Cannot ${action}: recovery points are retained until as late as ${toIso(latest)} and ${state === 'locked' ? 'the vault is locked' : "the vault's immutability is on"}, so wait until then.`,
      { until: latest, details: pointsDetails(points) },
    );
  }
  if (points.legalHoldCount > 0) {
    return refuse(
      'LEGAL_HOLD_ACTIVE',
      `Cannot ${action}: ${countText(points.legalHoldCount, 'recovery point')} ${points.legalHoldCount === 1 ? 'is' : 'are'} under legal hold; release the holds first.`,
      { details: pointsDetails(points) },
    );
  }
  return ALLOWED;
}

/** A disabled vault is deleted only when empty; otherwise only when no point is unexpired or held. */
function decideDeleteVault(points: PointsSummary, state: ImmutabilityState, nowMs: number): Decision {
  if (state === 'disabled' && points.pointCount > 0) {
    return refuse(
      'VAULT_NOT_EMPTY',
      `Cannot delete the vault: it still holds ${countText(points.pointCount, 'recovery point')}; delete them first.`,
      { details: pointsDetails(points) },
    );
  }
  return decideDeleteAll('delete the vault', points, state, nowMs);
}

/** Increases always pass; a reduction passes when disabled, with bypass + approval when enabled/locking, never when locked. */
function decidePolicyRetention(operation: PolicyRetentionOperation, state: ImmutabilityState): Decision {
  if (!operation.reducesRetention || state === 'disabled') return ALLOWED;
  const change = operation.op === 'move-item-to-policy' ? 'Moving the item to that policy' : 'The policy change';
  const what = `${change} would keep some recovery points for less time than now`;
  const details = { operation: operation.op };
  if (state === 'locked') {
    return refuse(
      'RETENTION_REDUCTION_BLOCKED',
      `${what}, and the vault is locked (compliance mode), so retention can only grow.`,
      { details },
    );
  }
  return governed(operation, {
    refusal: refuse(
      'RETENTION_REDUCTION_BLOCKED',
      `${what}, and the vault's immutability is on; that needs the governance.bypass permission and an approval.`,
      { details },
    ),
    action: change,
    operation: operation.op,
    details: {},
  });
}

/** Guardrail changes must be valid; while immutability is on, min never lowers and max never drops below a point. */
function decideVaultGuardrails(operation: VaultGuardrailsOperation, state: ImmutabilityState): Decision {
  const validity = validateRetentionGuardrails(operation.proposed);
  if (!validity.allowed || state === 'disabled') return validity;
  const currentMin = operation.current.minRetentionDays;
  const proposedMin = operation.proposed.minRetentionDays;
  const why = state === 'locked' ? 'the vault is locked (compliance mode)' : "the vault's immutability is on";
  const details = { current: operation.current, proposed: operation.proposed };
  if (currentMin !== undefined && (proposedMin === undefined || proposedMin < currentMin)) {
    const change = proposedMin === undefined ? 'removed' : `lowered to ${countText(proposedMin, 'day')}`;
    return refuse(
      'RETENTION_REDUCTION_BLOCKED',
      `The vault's minimum retention of ${countText(currentMin, 'day')} cannot be ${change} while ${why}.`,
      { details },
    );
  }
  const proposedMax = operation.proposed.maxRetentionDays;
  const longest = operation.longestPointRetentionDays;
  if (proposedMax !== undefined && longest !== undefined && proposedMax < longest) {
    return refuse(
      'RETENTION_REDUCTION_BLOCKED',
      `A maximum retention of ${countText(proposedMax, 'day')} is below the ${countText(longest, 'day')} an existing recovery point is retained for, which cannot change while ${why}.`,
      { details: { ...details, longestPointRetentionDays: longest } },
    );
  }
  return ALLOWED;
}

/** The transition's own refusal first (VAULT_LOCKED); a real change then needs an approval where configured. */
function decideDisableImmutability(operation: ApprovalClaim, context: DecisionContext): Decision {
  const transition = disableImmutability(context.vault, context.nowMs);
  if (!transition.allowed) return transition;
  if (transition.event === 'immutability.unchanged') return ALLOWED;
  return requireApproval(operation, 'Disabling immutability', 'disable-immutability');
}

/** The last key envelope is never deleted or replaced in place: without it the vault cannot be decrypted. */
function decideKeyEnvelope(operation: KeyEnvelopeOperation): Decision {
  if (operation.envelopeCount > 1) return ALLOWED;
  const verb = operation.op === 'delete-key-envelope' ? 'delete' : 'replace';
  return refuse(
    'LAST_KEY_ENVELOPE',
    `Cannot ${verb} the vault's last key envelope: without it nobody could decrypt the vault; add another key first.`,
    { details: { envelopeCount: operation.envelopeCount } },
  );
}

interface GovernedRefusal {
  readonly refusal: Refusal;
  /** The operation as a sentence subject, e.g. "Deleting the recovery point before …". */
  readonly action: string;
  readonly operation: string;
  readonly details: Record<string, unknown>;
}

/** Governance mode: refused without `governance.bypass`; with it, an approval is still required. */
function governed(claim: GovernanceBypassClaim, governed: GovernedRefusal): Decision {
  if (!claim.governanceBypass) return governed.refusal;
  if (claim.approved) return ALLOWED;
  return approvalRefusal(`${governed.action} bypasses governance retention and`, governed.operation, governed.details);
}

function requireApproval(claim: ApprovalClaim, action: string, operation: string): Decision {
  return claim.approvalRequired && !claim.approved ? approvalRefusal(action, operation, {}) : ALLOWED;
}

function approvalRefusal(action: string, operation: string, details: Record<string, unknown>): Refusal {
  return refuse('APPROVAL_REQUIRED', `${action} needs the approval of a second person; retry once it is granted.`, {
    details: { operation, ...details },
  });
}

function pointsDetails(points: PointsSummary): Record<string, unknown> {
  return {
    pointCount: points.pointCount,
    legalHoldCount: points.legalHoldCount,
    ...(points.latestRetainUntil === undefined ? {} : { latestRetainUntil: toIso(points.latestRetainUntil) }),
  };
}
