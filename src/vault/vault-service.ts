import type { PointId } from '../core/ids.js';
import type { PointRow } from '../catalog/point-row.js';
import type { ArchiveProgress, ArchiveResult } from '../engine/archiver.js';
import type { RestoreProgress, RestoreResult } from '../engine/restorer.js';
import type { VerifyReport } from '../engine/verifier.js';
import type { ProbeReport } from '../storage/object-store.js';
import type { TreeNode } from '../format/tree.js';
import type { ItemSettings, PolicySettings } from '../format/vault-settings.js';
import type { RetentionPolicy } from '../core/retention/retention-policy.js';
import type { AuditFilter, StoredAuditEvent } from '../catalog/audit-event.js';
import type { AuditVerifyReport } from '../core/audit-chain.js';
import type { ImmutabilityView } from './immutability-admin.js';
import type { MaintenanceReport } from './maintenance.js';
import type { KeyView } from './key-admin.js';
import type { PolicyInput } from './policy-admin.js';
import type { StopOutcome } from './stop-protection.js';

/**
 * The one typed interface the CLI uses to reach a vault. It has an in-process implementation
 * (embedded mode, EmbeddedVault) and, with the server, an HTTP one; commands never know which.
 */
export interface VaultService {
  readonly location: string;
  backup(request: BackupRequest, onProgress?: (p: ArchiveProgress) => void): Promise<BackupOutcome>;
  listPoints(filter?: { item?: string }): Promise<PointRow[]>;
  /** A full id, a unique id prefix, or 'latest' (of `item` when given). */
  resolvePoint(ref: string, item?: string): Promise<PointRow>;
  listFiles(ref: string, insidePath?: string): Promise<ListedNode[]>;
  restore(request: RestoreRequest, onProgress?: (p: RestoreProgress) => void): Promise<RestoreOutcome>;
  verify(options: { readData: boolean }): Promise<VerifyReport>;
  doctor(): Promise<ProbeReport>;
  rebuildCatalog(): Promise<{ points: number }>;

  showVault(): Promise<ImmutabilityView>;
  enableImmutability(): Promise<ImmutabilityView>;
  disableImmutability(): Promise<ImmutabilityView>;
  lockImmutability(request: { coolingOffMs: number; confirmedIrreversible: boolean }): Promise<ImmutabilityView>;
  cancelLock(): Promise<ImmutabilityView>;
  setVaultOptions(options: {
    minRetentionDays?: number | null;
    maxRetentionDays?: number | null;
    lockGenerationDays?: number;
  }): Promise<ImmutabilityView>;
  createPolicy(input: PolicyInput): Promise<PolicySettings>;
  updatePolicy(
    name: string,
    changes: { retention?: RetentionPolicy; schedule?: string | null; timeZone?: string },
  ): Promise<PolicySettings>;
  listPolicies(): Promise<readonly PolicySettings[]>;
  addItem(input: { name: string; policy: string; paths: readonly string[] }): Promise<ItemSettings>;
  moveItem(name: string, policy: string): Promise<ItemSettings>;
  stopItem(name: string, deleteData: boolean): Promise<StopOutcome>;
  listItems(): Promise<readonly ItemSettings[]>;
  deletePoint(ref: string, options: { bypassGovernance: boolean }): Promise<PointId>;
  setLegalHold(ref: string, reason: string): Promise<PointId>;
  releaseLegalHold(ref: string): Promise<PointId>;
  runMaintenance(options: { dryRun: boolean }): Promise<MaintenanceReport>;
  /** Audit events, oldest first, those `filter` selects. */
  listAudit(filter?: AuditFilter): Promise<StoredAuditEvent[]>;
  /** Verifies the audit chain, and compares it with the anchors in the vault's storage. */
  verifyAudit(): Promise<AuditVerifyReport>;
  deleteVault(): Promise<{ deletedObjects: number }>;
  listKeys(): Promise<KeyView[]>;
  addKey(passphrase: string, label: string): Promise<KeyView>;
  removeKey(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface BackupRequest {
  readonly item: string;
  readonly paths: readonly string[];
  /** Days to retain the point; 0 means no retention beyond creation. */
  readonly retainDays: number;
  readonly tags?: readonly string[];
  readonly hostname: string;
}

export interface BackupOutcome {
  readonly point: PointRow;
  readonly stats: ArchiveResult['stats'] & { readonly durationMs: number };
  readonly warnings: readonly { path: string; message: string }[];
}

export interface RestoreRequest {
  readonly ref: string;
  readonly item?: string;
  readonly target: string;
  readonly includes: readonly string[];
}

export interface RestoreOutcome extends RestoreResult {
  readonly pointId: PointId;
  readonly durationMs: number;
}

export interface ListedNode {
  /** Absolute path inside the point. */
  readonly path: string;
  readonly node: TreeNode;
}
