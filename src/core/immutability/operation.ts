import type { PointProtection, PointsSummary } from './points-summary.js';
import type { RetentionGuardrails } from './retention-guardrails.js';

/**
 * The operations the decision table (DESIGN §2.2) rules on, one variant per row. Facts the rules need
 * (points, permissions, approvals) come in with the operation; the vault state and time come in the
 * DecisionContext.
 */
export type Operation =
  | { readonly op: 'backup' | 'restore' | 'verify' }
  | DeletePointOperation
  | StopProtectionOperation
  | { readonly op: 'change-schedule' }
  | PolicyRetentionOperation
  | VaultGuardrailsOperation
  | DisableImmutabilityOperation
  | DeleteVaultOperation
  | KeyEnvelopeOperation
  | { readonly op: 'set-legal-hold' }
  | ReleaseLegalHoldOperation;

export type OperationName = Operation['op'];

/** Governance-mode retention may be bypassed by an actor holding `governance.bypass`, with an approval. */
export interface GovernanceBypassClaim {
  /** The actor holds the `governance.bypass` permission. */
  readonly governanceBypass: boolean;
  /** A second person approved this operation. */
  readonly approved: boolean;
}

/** For operations whose approval the server's configuration may require. */
export interface ApprovalClaim {
  /** Approvals are configured for this operation. */
  readonly approvalRequired: boolean;
  /** A second person approved this operation. */
  readonly approved: boolean;
}

export interface DeletePointOperation extends GovernanceBypassClaim {
  readonly op: 'delete-point';
  readonly point: PointProtection;
}

export interface StopProtectionOperation {
  readonly op: 'stop-protection';
  /** false: stop, retain data; true: stop and delete the item's points. */
  readonly deleteData: boolean;
  /** The protected item's recovery points. */
  readonly points: PointsSummary;
}

/** Change a policy's retention, or move an item to another policy. */
export interface PolicyRetentionOperation extends GovernanceBypassClaim {
  readonly op: 'change-policy-retention' | 'move-item-to-policy';
  /**
   * The new policy could keep some point for less time than the current one: compute it with
   * `isRetentionReduction(proposed, current)` of core/retention (a 'mixed' change counts as a reduction).
   */
  readonly reducesRetention: boolean;
}

export interface VaultGuardrailsOperation {
  readonly op: 'change-vault-guardrails';
  readonly current: RetentionGuardrails;
  readonly proposed: RetentionGuardrails;
  /** The longest retention (retainUntil − createdAt, in days) of the vault's points; absent when empty. */
  readonly longestPointRetentionDays?: number;
}

export interface DisableImmutabilityOperation extends ApprovalClaim {
  readonly op: 'disable-immutability';
}

export interface DeleteVaultOperation {
  readonly op: 'delete-vault';
  readonly points: PointsSummary;
}

export interface KeyEnvelopeOperation {
  readonly op: 'delete-key-envelope' | 'replace-key-envelope';
  /** How many key envelopes the vault has now, the one concerned included. */
  readonly envelopeCount: number;
}

export interface ReleaseLegalHoldOperation extends ApprovalClaim {
  readonly op: 'release-legal-hold';
}
