import { hkdfSync, randomBytes } from 'node:crypto';

/** The keys of one vault, all derived from its 32-byte master secret (docs/format.md §2). */
export interface VaultKeys {
  /** AES-256-GCM key of blobs, pack footers, index segments and point bodies. */
  readonly dataKey: Buffer;
  /** HMAC-SHA-256 key of blob ids. */
  readonly blobIdKey: Buffer;
  /** Key of the chunker's gear table. */
  readonly chunkerKey: Buffer;
}

export const MASTER_SECRET_BYTES = 32;
const DERIVED_KEY_BYTES = 32;

export function newMasterSecret(): Buffer {
  return randomBytes(MASTER_SECRET_BYTES);
}

function derive(masterSecret: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, Buffer.alloc(0), info, DERIVED_KEY_BYTES));
}

/** HKDF-SHA-256 with an empty salt and one info string per key. */
export function deriveVaultKeys(masterSecret: Buffer): VaultKeys {
  return {
    dataKey: derive(masterSecret, 'amber/v1/data'),
    blobIdKey: derive(masterSecret, 'amber/v1/blob-id'),
    chunkerKey: derive(masterSecret, 'amber/v1/chunker'),
  };
}

/**
 * The key that authenticates what a host keeps of a vault outside it (the index snapshot of the
 * cache directory): derived like the vault keys, never stored, never sent to a server.
 */
export function deriveLocalCacheKey(masterSecret: Buffer): Buffer {
  return derive(masterSecret, 'amber/v1/local-cache');
}
