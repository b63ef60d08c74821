import { asError } from '../core/errors.js';
import type { PackId } from '../core/ids.js';
import type { IndexedPack } from '../format/index-segment.js';
import type { PackEntry } from '../format/pack.js';
import type { PutOptions } from '../storage/object-store.js';
import type { Repository } from './repository.js';

/**
 * Stores finished packs with bounded concurrency and bounded memory: `add` resolves once the pack
 * is accepted, waiting while too many bytes are in flight. `drain` waits for every upload and
 * rethrows the first failure.
 */
export class PackUploader {
  readonly packs: IndexedPack[] = [];
  addedRawBytes = 0;
  addedStoredBytes = 0;
  newBlobs = 0;
  readonly #repo: Repository;
  readonly #maxInFlightBytes: number;
  readonly #putOptions: PutOptions | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #inFlightBytes = 0;
  #failure: unknown;

  constructor(repo: Repository, options: { maxInFlightBytes?: number; putOptions?: PutOptions } = {}) {
    this.#repo = repo;
    this.#maxInFlightBytes = options.maxInFlightBytes ?? 32 * 1024 * 1024;
    this.#putOptions = options.putOptions;
  }

  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  /** Accepts a pack for upload; `onSettled` runs once its bytes are no longer needed (stored or failed). */
  async add(packId: PackId, bytes: Uint8Array, entries: readonly PackEntry[], onSettled?: () => void): Promise<void> {
    this.#throwIfFailed();
    while (this.#inFlightBytes > 0 && this.#inFlightBytes + bytes.byteLength > this.#maxInFlightBytes) {
      await Promise.race(this.#inFlight);
      this.#throwIfFailed();
    }
    this.packs.push({ packId, entries });
    for (const entry of entries) {
      this.addedRawBytes += entry.rawLength;
      this.addedStoredBytes += entry.length;
    }
    this.newBlobs += entries.length;
    this.#inFlightBytes += bytes.byteLength;
    const upload = this.#repo
      .putPack(packId, bytes, this.#putOptions)
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => {
        this.#inFlightBytes -= bytes.byteLength;
        this.#inFlight.delete(upload);
        onSettled?.();
      });
    this.#inFlight.add(upload);
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw asError(this.#failure);
  }
}
