import { ID_BYTES, idWords, SharedBlobIdSet } from './blob-id-set.js';

const ID_WORDS = ID_BYTES / 4;
const EMPTY = 0;
const WRITING = 1;
const READY = 2;
/** The largest table made (32 MiB of ids): past it a backup may store a few blobs twice, never lose one. */
const MAX_SLOTS = 1 << 20;

/**
 * Which archive worker stores each new blob of a backup. Workers check the vault's index (a copy
 * made when the backup starts) and the blobs they wrote themselves; two workers meeting the same new
 * content at once (copies of a file, in two batches) would both store it. Here the first to claim a
 * blob stores it and the other only names it: the blob is in the first worker's pack, which is stored
 * and indexed before the point is committed, like every pack of the backup.
 *
 * A shared open-addressing table: per slot a state (empty, being written, ready) set atomically, and
 * the id. Claims happen on worker threads only (a claim may wait, briefly, for a slot being written).
 */
export class BlobClaims {
  readonly #states: Int32Array;
  readonly #ids: Uint32Array;
  readonly #slots: number;
  readonly #words = new Uint32Array(ID_WORDS);

  private constructor(buffer: SharedArrayBuffer) {
    this.#slots = buffer.byteLength / (4 + ID_BYTES);
    this.#states = new Int32Array(buffer, 0, this.#slots);
    this.#ids = new Uint32Array(buffer, 4 * this.#slots, this.#slots * ID_WORDS);
  }

  /** Shared memory for a backup that may store about `expectedBlobs` new blobs. */
  static create(expectedBlobs: number): SharedArrayBuffer {
    const slots = Math.min(SharedBlobIdSet.slotsFor(expectedBlobs), MAX_SLOTS);
    return new SharedArrayBuffer(slots * (4 + ID_BYTES));
  }

  static attach(buffer: SharedArrayBuffer): BlobClaims {
    return new BlobClaims(buffer);
  }

  /**
   * Claims a blob for this thread: true when this thread is to store it (it claimed it first, or the
   * table is full), false when another thread claimed it before. A string that is no blob id is
   * never claimed by anyone else: true.
   */
  claim(blobId: string): boolean {
    const id = this.#words;
    if (!idWords(blobId, id)) return true;
    const states = this.#states;
    const mask = this.#slots - 1;
    for (let slot = (id[0] as number) & mask, probes = 0; probes < this.#slots; slot = (slot + 1) & mask, probes++) {
      let state = Atomics.load(states, slot);
      if (state === EMPTY) {
        state = Atomics.compareExchange(states, slot, EMPTY, WRITING);
        if (state === EMPTY) {
          this.#ids.set(id, slot * ID_WORDS);
          Atomics.store(states, slot, READY);
          Atomics.notify(states, slot);
          return true;
        }
      }
      while (state === WRITING) {
        Atomics.wait(states, slot, WRITING, 50);
        state = Atomics.load(states, slot);
      }
      if (this.#holds(slot, id)) return false;
    }
    return true;
  }

  #holds(slot: number, id: Uint32Array): boolean {
    const base = slot * ID_WORDS;
    for (let i = 0; i < ID_WORDS; i++) if (this.#ids[base + i] !== id[i]) return false;
    return true;
  }
}
