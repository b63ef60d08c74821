import { readFile, rm } from 'node:fs/promises';
import { AmberError, isAmberError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import {
  asIndexId,
  asKeyId,
  asPointId,
  isHex64,
  isKeyId,
  objectKeys,
  type BlobId,
  type IndexId,
  type KeyId,
  type PackId,
  type PointId,
  type VaultId,
} from '../core/ids.js';
import { newVaultId } from './vault-id.js';
import type { ObjectStore, PutOptions } from '../storage/object-store.js';
import { deriveLocalCacheKey, deriveVaultKeys, newMasterSecret, type VaultKeys } from '../format/vault-keys.js';
import { decodeVaultHeader, encodeVaultHeader, FORMAT_VERSION, type VaultHeader } from '../format/vault-header.js';
import { DEFAULT_CHUNKER_PARAMS, type ChunkerParams } from '../format/chunker.js';
import { newKeyId, openKeyEnvelope, sealKeyEnvelope, type KdfCost } from '../format/key-envelope.js';
import { decodeIndexSegmentTables, encodeIndexSegment, type IndexSegment } from '../format/index-segment.js';
import { openBlob, type PackEntry } from '../format/pack.js';
import { PACK_ENTRY_BYTES } from '../format/pack-entry.js';
import { decodeTree, type TreeNode } from '../format/tree.js';
import {
  decodePointManifest,
  encodePointManifest,
  type PointBody,
  type PointHeader,
} from '../format/point-manifest.js';
import { BlobIndex } from './blob-index.js';
import { mapConcurrent } from './map-concurrent.js';

export interface CreateRepositoryOptions {
  readonly passphrase: string;
  readonly clock: Clock;
  readonly chunker?: ChunkerParams;
  readonly kdf?: KdfCost;
}

export interface DecodedPoint {
  readonly id: PointId;
  readonly header: PointHeader;
  readonly body: PointBody;
}

/**
 * A vault's repository on an ObjectStore: the header, key envelopes, packs, index segments and point
 * manifests of docs/format.md. Opening it unlocks the master key with a passphrase; every read is
 * authenticated by the format layer.
 */
export class Repository {
  readonly store: ObjectStore;
  readonly header: VaultHeader;
  readonly keys: VaultKeys;
  #index = new BlobIndex();
  /** The index segments in storage the in-memory index stands for: those loaded (or skipped as superseded) and written. */
  readonly #indexedSegments = new Set<string>();

  readonly #masterSecret: Buffer;
  /** The key envelope the passphrase opened (after create: the initial one). */
  readonly openedKeyId: KeyId;

  private constructor(store: ObjectStore, header: VaultHeader, masterSecret: Buffer, openedKeyId: KeyId) {
    const keys = deriveVaultKeys(masterSecret);
    this.#masterSecret = masterSecret;
    this.openedKeyId = openedKeyId;
    this.store = store;
    this.header = header;
    this.keys = keys;
  }

  get vaultId(): VaultId {
    return this.header.vaultId;
  }

  /** Where every stored blob is: empty until loadIndex or adoptIndex. */
  get index(): BlobIndex {
    return this.#index;
  }

  /** The ids of the index segments in storage that the index stands for, sorted. */
  get indexedSegments(): string[] {
    return [...this.#indexedSegments].sort();
  }

  /** The key that authenticates this host's local copies of vault data (see deriveLocalCacheKey). */
  get localCacheKey(): Buffer {
    return deriveLocalCacheKey(this.#masterSecret);
  }

  /** Creates a new repository; the header is written last, so a crash leaves no half-made vault. */
  static async create(store: ObjectStore, options: CreateRepositoryOptions): Promise<Repository> {
    if (await store.has(objectKeys.header)) {
      throw new AmberError('VAULT_EXISTS', `${store.location} already holds an Amber vault.`);
    }
    const header: VaultHeader = {
      formatVersion: FORMAT_VERSION,
      vaultId: newVaultId(),
      createdAt: options.clock.nowMs(),
      chunker: options.chunker ?? DEFAULT_CHUNKER_PARAMS,
    };
    const masterSecret = newMasterSecret();
    const keyId = newKeyId();
    const envelope = await sealKeyEnvelope({
      masterSecret,
      passphrase: options.passphrase,
      vaultId: header.vaultId,
      keyId,
      createdAt: header.createdAt,
      label: 'initial',
      ...(options.kdf === undefined ? {} : { kdf: options.kdf }),
    });
    await store.put(objectKeys.key(keyId), envelope);
    await store.put(objectKeys.header, encodeVaultHeader(header));
    return new Repository(store, header, masterSecret, keyId);
  }

  /** Reads the plaintext header (no passphrase needed). */
  static async readHeader(store: ObjectStore): Promise<VaultHeader> {
    try {
      return decodeVaultHeader(await store.get(objectKeys.header));
    } catch (error) {
      if (isAmberError(error, 'NOT_FOUND')) {
        throw new AmberError('VAULT_NOT_FOUND', `There is no Amber vault at ${store.location}.`, { cause: error });
      }
      throw error;
    }
  }

  /** Opens the repository: tries the passphrase on each key envelope until one opens. */
  static async open(store: ObjectStore, passphrase: string, header?: VaultHeader): Promise<Repository> {
    const vaultHeader = header ?? (await Repository.readHeader(store));
    const keyIds: KeyId[] = [];
    for await (const object of store.list('keys/')) {
      const id = object.key.slice('keys/'.length);
      if (isKeyId(id)) keyIds.push(asKeyId(id));
    }
    let lastError: unknown = new AmberError('CORRUPT_OBJECT', `The vault at ${store.location} has no key envelope.`);
    for (const keyId of keyIds) {
      try {
        const bytes = await store.get(objectKeys.key(keyId));
        const secret = await openKeyEnvelope(bytes, passphrase, { vaultId: vaultHeader.vaultId, keyId });
        return new Repository(store, vaultHeader, secret, keyId);
      } catch (error) {
        lastError = error;
      }
    }
    if (keyIds.length > 1 && isAmberError(lastError, 'WRONG_PASSWORD')) {
      throw new AmberError('WRONG_PASSWORD', 'The passphrase opens none of the key envelopes of this vault.');
    }
    throw lastError;
  }

  /** Writes a new key envelope wrapping the same master secret with another passphrase. */
  async addKeyEnvelope(passphrase: string, createdAt: number, label: string, kdf?: KdfCost): Promise<KeyId> {
    const keyId = newKeyId();
    const envelope = await sealKeyEnvelope({
      masterSecret: this.#masterSecret,
      passphrase,
      vaultId: this.vaultId,
      keyId,
      createdAt,
      label,
      ...(kdf === undefined ? {} : { kdf }),
    });
    await this.store.put(objectKeys.key(keyId), envelope);
    return keyId;
  }

  /**
   * Takes an index built elsewhere (an authenticated local snapshot) instead of loading one: it must
   * stand for exactly `segments`, the index segments storage lists now.
   */
  adoptIndex(index: BlobIndex, segments: readonly string[]): void {
    if (this.#index.blobCount > 0 || this.#indexedSegments.size > 0) {
      throw new AmberError('INTERNAL', 'An index can only be adopted by a repository that has none yet.');
    }
    this.#index = index;
    for (const id of segments) this.#indexedSegments.add(id);
  }

  /** Loads every index segment storage lists (`listed`, when the caller listed them already). */
  async loadIndex(listed?: readonly string[]): Promise<void> {
    const ids = listed ?? (await this.listIds('index/'));
    const segments = await mapConcurrent(ids, 8, async (id) => {
      const indexId = asIndexId(id);
      return {
        indexId,
        segment: decodeIndexSegmentTables(this.keys, indexId, await this.store.get(objectKeys.index(indexId))),
      };
    });
    // A segment rewritten by garbage collection names the ones it replaces; those are not loaded.
    const superseded = new Set(segments.flatMap(({ segment }) => segment.supersedes));
    let entries = this.index.blobCount;
    for (const { segment } of segments)
      for (const pack of segment.packs) entries += pack.entryTable.length / PACK_ENTRY_BYTES;
    this.index.reserve(entries);
    for (const { indexId, segment } of segments) {
      if (!superseded.has(indexId)) this.index.addSegmentTables(indexId, segment);
    }
    for (const id of ids) this.#indexedSegments.add(id);
  }

  async putPack(packId: PackId, bytes: Uint8Array, options?: PutOptions): Promise<void> {
    await putIdempotent(this.store, objectKeys.pack(packId), bytes, options);
  }

  /** Stores a pack staged as a file (taken: the file is gone afterwards, stored or not). */
  async putPackFile(packId: PackId, file: string, options?: PutOptions): Promise<void> {
    const key = objectKeys.pack(packId);
    const { store } = this;
    try {
      if (store.putFile !== undefined) await store.putFile(key, file, options);
      else await store.put(key, await readFile(file), options);
    } catch (error) {
      if (!isAmberError(error, 'ALREADY_EXISTS')) throw error;
    } finally {
      if (store.putFile === undefined) await rm(file, { force: true });
    }
  }

  async putIndexSegment(segment: IndexSegment, options?: PutOptions): Promise<IndexId> {
    const { indexId, bytes } = encodeIndexSegment(this.keys, segment);
    await putIdempotent(this.store, objectKeys.index(indexId), bytes, options);
    this.index.addSegment(indexId, segment);
    this.#indexedSegments.add(indexId);
    return indexId;
  }

  async putPoint(header: PointHeader, body: PointBody, options?: PutOptions): Promise<PointId> {
    const { pointId, bytes } = encodePointManifest(this.keys, header, body);
    await putIdempotent(this.store, objectKeys.point(pointId), bytes, options);
    return pointId;
  }

  async listPointIds(): Promise<PointId[]> {
    return (await this.listIds('points/')).map(asPointId);
  }

  async loadPoint(id: PointId): Promise<DecodedPoint> {
    const bytes = await this.store.get(objectKeys.point(id));
    return { id, ...decodePointManifest(this.keys, id, bytes) };
  }

  /** Reads, authenticates, decrypts and decompresses one blob. */
  async readBlob(blobId: BlobId): Promise<Buffer> {
    const location = this.index.get(blobId);
    if (location === undefined) {
      throw new AmberError('CORRUPT_OBJECT', `Blob ${blobId} is needed but is in no index segment of the vault.`, {
        details: { blob: blobId },
      });
    }
    return this.readBlobAt(location.packId, location.entry);
  }

  async readBlobAt(packId: PackId, entry: PackEntry): Promise<Buffer> {
    const stored = await this.store.getRange(objectKeys.pack(packId), entry.offset, entry.length);
    return openBlob(this.keys, packId, entry, stored);
  }

  async readTree(blobId: BlobId): Promise<TreeNode[]> {
    return decodeTree(await this.readBlob(blobId), `tree ${blobId}`);
  }

  listIds(prefix: 'index/' | 'points/'): Promise<string[]> {
    return listObjectIds(this.store, prefix);
  }
}

/** The ids of the objects under `prefix` (index segments or points), sorted; needs no key. */
export async function listObjectIds(store: ObjectStore, prefix: 'index/' | 'points/'): Promise<string[]> {
  const ids: string[] = [];
  for await (const object of store.list(prefix)) {
    const id = object.key.slice(prefix.length);
    if (isHex64(id)) ids.push(id);
  }
  return ids.sort();
}

/**
 * Content-addressed objects may be written twice (a retried upload, two workers storing the same
 * pack): an existing object with the same key already holds the same bytes, so ALREADY_EXISTS is
 * success here. Every other error propagates.
 */
async function putIdempotent(store: ObjectStore, key: string, bytes: Uint8Array, options?: PutOptions): Promise<void> {
  try {
    await store.put(key, bytes, options);
  } catch (error) {
    if (!isAmberError(error, 'ALREADY_EXISTS')) throw error;
  }
}
