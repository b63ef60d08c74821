import { asError } from '../core/errors.js';
import type { PackId } from '../core/ids.js';
import type { IndexedPack } from '../format/index-segment.js';
import type { PackEntry } from '../format/pack.js';
import type { PutOptions } from '../storage/object-store.js';
import type { Repository } from './repository.js';

/** A finished pack written to a file by an archive worker. */
export interface StagedPack {
  readonly file: string;
  readonly byteLength: number;
}

/** Packs stored since the last index segment that make the uploader write one (~1 GiB of packs). */
export const CHECKPOINT_PACKS = 64;

/**
 * Stores finished packs with bounded concurrency and bounded memory: `add` resolves once the pack
 * is accepted, waiting while too many bytes are in flight. `drain` waits for every upload and
 * rethrows the first failure. Every CHECKPOINT_PACKS stored packs it writes an index segment for
 * them, so an interrupted backup's data is found (and not sent again) by the next one.
 */
export class PackUploader {
  addedRawBytes = 0;
  addedStoredBytes = 0;
  newBlobs = 0;
  readonly #repo: Repository;
  readonly #maxInFlightBytes: number;
  readonly #putOptions: PutOptions | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #inFlightBytes = 0;
  #failure: unknown;
  readonly #nowMs: () => number;
  readonly #checkpointPacks: number;
  /** Stored packs that no index segment lists yet. */
  #unindexed: IndexedPack[] = [];
  #checkpoint: Promise<void> = Promise.resolve();

  constructor(
    repo: Repository,
    options: {
      maxInFlightBytes?: number;
      putOptions?: PutOptions;
      nowMs?: () => number;
      checkpointPacks?: number;
    } = {},
  ) {
    this.#repo = repo;
    this.#maxInFlightBytes = options.maxInFlightBytes ?? 32 * 1024 * 1024;
    this.#putOptions = options.putOptions;
    this.#nowMs = options.nowMs ?? (() => 0);
    this.#checkpointPacks = options.nowMs === undefined ? Infinity : (options.checkpointPacks ?? CHECKPOINT_PACKS);
  }

  /** The stored packs no index segment lists yet (taken: the caller writes their segment). */
  takeUnindexed(): IndexedPack[] {
    return this.#unindexed.splice(0);
  }

  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  /**
   * Accepts a pack for upload — its bytes, or a file staged in the store's staging directory (taken:
   * gone once stored or failed); `onSettled` runs once the pack is no longer needed (stored or failed).
   */
  async add(
    packId: PackId,
    pack: Uint8Array | StagedPack,
    entries: readonly PackEntry[],
    onSettled?: () => void,
  ): Promise<void> {
    this.#throwIfFailed();
    const { byteLength } = pack;
    while (this.#inFlightBytes > 0 && this.#inFlightBytes + byteLength > this.#maxInFlightBytes) {
      await Promise.race(this.#inFlight);
      this.#throwIfFailed();
    }
    for (const entry of entries) {
      this.addedRawBytes += entry.rawLength;
      this.addedStoredBytes += entry.length;
    }
    this.newBlobs += entries.length;
    this.#inFlightBytes += byteLength;
    const upload = (
      pack instanceof Uint8Array
        ? this.#repo.putPack(packId, pack, this.#putOptions)
        : this.#repo.putPackFile(packId, pack.file, this.#putOptions)
    )
      .then(() => {
        this.#unindexed.push({ packId, entries });
        if (this.#unindexed.length >= this.#checkpointPacks) this.#writeCheckpoint();
      })
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => {
        this.#inFlightBytes -= byteLength;
        this.#inFlight.delete(upload);
        onSettled?.();
      });
    this.#inFlight.add(upload);
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    await this.#checkpoint;
    this.#throwIfFailed();
  }

  #writeCheckpoint(): void {
    const packs = this.takeUnindexed();
    this.#checkpoint = this.#checkpoint.then(async () => {
      try {
        await this.#repo.putIndexSegment({ createdAt: this.#nowMs(), packs, supersedes: [] }, this.#putOptions);
      } catch (error) {
        this.#failure ??= error;
      }
    });
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw asError(this.#failure);
  }
}
