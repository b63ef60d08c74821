import { objectKeys, type BlobId, type PackId } from '../core/ids.js';
import { openBlob } from '../format/pack.js';
import type { Repository } from './repository.js';

/** A pack is read whole when a restore needs at least this share of its bytes; else blob by blob. */
const WHOLE_PACK_SHARE = 0.3;

interface PackNeed {
  readonly packId: PackId;
  /** Blob reads still to come from this pack. */
  remaining: number;
  neededBytes: number;
  whole?: Promise<Buffer>;
}

/**
 * Serves the blobs of a restore in the order it will ask for them. Packs the restore needs much of
 * are read whole, `windowSize` of them ahead of the one in use (the reads overlap decryption and
 * writing), and dropped once their last blob was served; blobs from packs it needs little of are
 * read one range at a time.
 */
export class PackPrefetcher {
  readonly #repo: Repository;
  readonly #order: PackNeed[] = [];
  readonly #needs = new Map<PackId, PackNeed>();
  readonly #windowSize: number;
  #cursor = 0;

  constructor(repo: Repository, blobsInOrder: Iterable<BlobId>, windowSize = 2) {
    this.#repo = repo;
    this.#windowSize = windowSize;
    for (const blobId of blobsInOrder) {
      const location = repo.index.get(blobId);
      if (location === undefined) continue; // readBlob reports it when asked
      let need = this.#needs.get(location.packId);
      if (need === undefined) {
        need = { packId: location.packId, remaining: 0, neededBytes: 0 };
        this.#needs.set(location.packId, need);
        this.#order.push(need);
      }
      need.remaining++;
      need.neededBytes += location.entry.length;
    }
  }

  /** Reads one blob (authenticated and decompressed). */
  async read(blobId: BlobId): Promise<Buffer> {
    const location = this.#repo.index.get(blobId);
    const need = location === undefined ? undefined : this.#needs.get(location.packId);
    if (location === undefined || need === undefined) return this.#repo.readBlob(blobId);
    this.#advanceWindow();
    const pack = need.whole ?? (this.#isWhole(need) ? this.#load(need) : undefined);
    try {
      if (pack === undefined) return await this.#repo.readBlobAt(location.packId, location.entry);
      const bytes = await pack;
      const { entry } = location;
      return openBlob(
        this.#repo.keys,
        location.packId,
        entry,
        bytes.subarray(entry.offset, entry.offset + entry.length),
      );
    } finally {
      need.remaining--;
      if (need.remaining <= 0) delete need.whole;
    }
  }

  #isWhole(need: PackNeed): boolean {
    return need.neededBytes >= WHOLE_PACK_SHARE * this.#repo.index.packRecordBytes(need.packId);
  }

  #load(need: PackNeed): Promise<Buffer> {
    need.whole ??= this.#repo.store.get(objectKeys.pack(need.packId));
    return need.whole;
  }

  /** Starts reading the next packs (in first-use order) that will be read whole. */
  #advanceWindow(): void {
    while (this.#cursor < this.#order.length && (this.#order[this.#cursor] as PackNeed).remaining <= 0) this.#cursor++;
    let started = 0;
    for (let i = this.#cursor; i < this.#order.length && started < this.#windowSize; i++) {
      const need = this.#order[i] as PackNeed;
      if (need.remaining <= 0) continue;
      if (this.#isWhole(need)) {
        this.#load(need).catch(() => undefined); // a failure resurfaces when the blob is read
        started++;
      }
    }
  }
}
