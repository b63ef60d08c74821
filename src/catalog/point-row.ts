import type { BlobId, PointId, VaultId } from '../core/ids.js';

/** How storage locks the objects a point needs: none, governance (bypassable) or compliance (WORM). */
export type StorageLockMode = 'none' | 'governance' | 'compliance';

export const STORAGE_LOCK_MODES: readonly StorageLockMode[] = ['none', 'governance', 'compliance'];

/** One recovery point as the catalog indexes it; the point manifest in storage is the source of truth. */
export interface PointRow {
  readonly id: PointId;
  readonly vaultId: VaultId;
  readonly item: string;
  /** Epoch milliseconds, server-assigned. */
  readonly createdAt: number;
  /** Epoch milliseconds. */
  readonly retainUntil: number;
  readonly tags: readonly string[];
  readonly hostname: string;
  readonly paths: readonly string[];
  readonly root: BlobId;
  readonly files: number;
  readonly dirs: number;
  readonly sizeBytes: number;
  readonly addedBytes: number;
  readonly addedStoredBytes: number;
  readonly lockMode: StorageLockMode;
  readonly legalHold: boolean;
  readonly parent?: PointId;
}
