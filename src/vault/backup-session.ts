import { randomBytes } from 'node:crypto';
import type { BlobId, IndexId, PackId } from '../core/ids.js';
import type { ArchiveResult } from '../engine/archiver.js';
import type { PutOptions } from '../storage/object-store.js';
import type { BackupRetention } from './backup-retention.js';

/**
 * A backup between its start and its commit. The vault fixes the point's time, retention and storage
 * locks when the session opens (from its own clock, never the client's); the data uploaded in the
 * session is stored with those locks; nothing is visible as a point until the commit.
 */
export interface BackupSession {
  readonly id: string;
  readonly item: string;
  readonly createdAt: number;
  readonly retention: BackupRetention;
  readonly putOptions: PutOptions | undefined;
  readonly hostname: string;
  readonly tags: readonly string[];
  readonly startedMonotonicMs: number;
  /** Ends the session's hold on the vault (its backup activity lock). */
  readonly release: () => Promise<void>;
}

/** What an archive run produced, as the client reports it at commit. */
export interface ArchiveUpload {
  readonly root: BlobId;
  readonly indexIds: readonly IndexId[];
  readonly packIds: readonly PackId[];
  readonly stats: ArchiveResult['stats'];
  readonly warnings: number;
  /** The absolute source paths (empty when the source had nothing in it). */
  readonly paths: readonly string[];
}

export function newBackupSessionId(): string {
  return 'bks_' + randomBytes(12).toString('hex');
}
