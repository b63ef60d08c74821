/**
 * The shapes of /api/v1 answers the console reads (docs/api.md; src/server/routes/*.ts). Vault
 * objects carry epoch milliseconds; identity objects (users, tokens, sign-in) ISO-8601 strings.
 */

export type ImmutabilityState = 'disabled' | 'enabled' | 'locking' | 'locked';
export type StorageLockMode = 'none' | 'governance' | 'compliance';

export interface ProbeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeReport {
  readonly location: string;
  readonly checks: readonly ProbeCheck[];
}

export interface Vault {
  readonly name: string;
  readonly kind: string;
  readonly location: string;
  readonly createdAt: number;
  readonly vaultId: string;
  readonly state: ImmutabilityState;
  readonly lockRequestedAt?: number;
  readonly lockEffectiveAt?: number;
  readonly storageLockMode: StorageLockMode;
  readonly minRetentionDays?: number;
  readonly maxRetentionDays?: number;
  readonly lockGenerationDays: number;
  readonly points: number;
  readonly sizeBytes: number;
  readonly storedBytes: number;
}

export interface CreatedVault extends Vault {
  readonly preflight: ProbeReport;
}

export type RetentionPolicy =
  | { readonly kind: 'simple'; readonly keepDays: number }
  | {
      readonly kind: 'gfs';
      readonly daily: number;
      readonly weekly: number;
      readonly monthly: number;
      readonly yearly: number;
    };

export interface Policy {
  readonly name: string;
  readonly retention: RetentionPolicy;
  readonly schedule?: string;
  readonly timeZone: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ItemState = 'protected' | 'stopped-retain' | 'stopped-delete';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface Item {
  readonly name: string;
  readonly policy: string;
  readonly paths: readonly string[];
  readonly state: ItemState;
  readonly createdAt: number;
  readonly agent: string | null;
  readonly points: number;
  readonly lastBackupAt: number | null;
  readonly lastJob: { readonly id: string; readonly status: JobStatus; readonly message: string | null } | null;
  readonly nextBackupAt: number | null;
}

export interface StopOutcome {
  readonly item: { readonly name: string; readonly state: ItemState };
  readonly deletedPoints: readonly string[];
  readonly deferredPoints: readonly string[];
}

export interface Point {
  readonly id: string;
  readonly vaultId: string;
  readonly item: string;
  readonly createdAt: number;
  readonly retainUntil: number;
  readonly tags: readonly string[];
  readonly hostname: string;
  readonly paths: readonly string[];
  readonly root: string;
  readonly files: number;
  readonly dirs: number;
  readonly sizeBytes: number;
  readonly addedBytes: number;
  readonly addedStoredBytes: number;
  readonly lockMode: StorageLockMode;
  readonly legalHold: boolean;
  readonly parent?: string;
}

export interface ListedNode {
  readonly path: string;
  readonly node: { readonly type: string; readonly name: string; readonly size?: number };
}

export interface JobProgress {
  readonly filesDone?: number;
  readonly filesTotal?: number;
  readonly bytesDone?: number;
  readonly bytesTotal?: number;
}

export interface Job {
  readonly id: string;
  readonly vault: string;
  readonly item: string;
  readonly agent: string | null;
  readonly kind: 'backup' | 'restore';
  readonly trigger: string;
  readonly status: JobStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly requestedBy: string | null;
  readonly pointId: string | null;
  readonly bytes: number | null;
  readonly addedBytes: number | null;
  readonly progress: JobProgress | null;
  readonly message: string | null;
}

export interface Agent {
  readonly name: string;
  readonly vault: string;
  readonly hostname: string;
  readonly createdAt: number;
  readonly lastSeenAt: number | null;
  readonly items: readonly string[];
}

export type ApprovalStatus =
  'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'executing' | 'executed' | 'failed';

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

export interface ApprovalVote {
  readonly voter: string;
  readonly decision: 'approve' | 'reject';
  readonly at: number;
  readonly comment?: string;
}

export interface ApprovalRequest {
  readonly id: string;
  readonly operation: ProtectedOperation;
  readonly vault?: string;
  readonly summary: string;
  readonly requester: string;
  readonly reason?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: ApprovalStatus;
  readonly required: number;
  readonly votes: readonly ApprovalVote[];
  readonly decidedAt?: number;
  readonly finishedAt?: number;
  readonly result?: unknown;
}

export interface ApprovalSettings {
  readonly enabled: boolean;
  readonly requiredApprovals: number;
  readonly operations: readonly ProtectedOperation[];
  readonly requestTtlMs: number;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEvent {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: AuditOutcome;
  readonly code?: string;
  readonly message: string;
  readonly hash: string;
}

export interface AuditVerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly head?: { readonly seq: number; readonly hash: string };
  readonly firstBad?: { readonly seq: number; readonly reason: string; readonly message: string };
  readonly anchorsChecked: number;
}

export const ROLES = ['admin', 'operator', 'security-officer', 'auditor'] as const;
export type Role = (typeof ROLES)[number] | 'agent';

export interface User {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
}

export interface LoginAnswer {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: string;
  readonly user: User;
}

export interface Me {
  readonly kind: 'user' | 'agent';
  readonly name: string;
  readonly role: Role;
  readonly tokenId: string;
  readonly permissions: readonly string[];
}
