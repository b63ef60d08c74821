/** Branded identifiers: a PackId can never be passed where a PointId is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** 32 lowercase hex characters (random 128 bits). */
export type VaultId = Brand<string, 'VaultId'>;
/** 64 lowercase hex characters: HMAC-SHA-256 of the plaintext, keyed per vault. */
export type BlobId = Brand<string, 'BlobId'>;
/** 64 lowercase hex characters: SHA-256 of the stored pack bytes. */
export type PackId = Brand<string, 'PackId'>;
/** 64 lowercase hex characters: SHA-256 of the stored index segment bytes. */
export type IndexId = Brand<string, 'IndexId'>;
/** 64 lowercase hex characters: SHA-256 of the stored point manifest bytes. */
export type PointId = Brand<string, 'PointId'>;
/** 16 lowercase hex characters (random 64 bits). */
export type KeyId = Brand<string, 'KeyId'>;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

export const isHex64 = (s: string): boolean => HEX64.test(s);
export const isVaultId = (s: string): s is VaultId => HEX32.test(s);
export const isKeyId = (s: string): s is KeyId => HEX16.test(s);
export const asBlobId = (s: string): BlobId => s as BlobId;
export const asPackId = (s: string): PackId => s as PackId;
export const asIndexId = (s: string): IndexId => s as IndexId;
export const asPointId = (s: string): PointId => s as PointId;
export const asVaultId = (s: string): VaultId => s as VaultId;
export const asKeyId = (s: string): KeyId => s as KeyId;

/** Storage keys of the repository layout (docs/format.md §1). */
export const objectKeys = {
  header: 'amber.vault',
  key: (id: KeyId): string => `keys/${id}`,
  pack: (id: PackId): string => `packs/${id.slice(0, 2)}/${id}`,
  index: (id: IndexId): string => `index/${id}`,
  point: (id: PointId): string => `points/${id}`,
  /** An audit chain anchor: the head of the audit chain at `seq` (docs/audit.md), 20-digit zero-padded. */
  auditAnchor: (seq: number): string => `audit/${String(seq).padStart(20, '0')}`,
} as const;
