import type { BlobId } from '../core/ids.js';

export const ID_BYTES = 32;
const ID_WORDS = ID_BYTES / 4;

/** Value of each ASCII code as a lowercase hex digit, -1 for any other character. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * Parses a blob id (64 lowercase hex digits) into its 32 bytes as 8 little-endian words, as a
 * Uint32Array over those bytes holds them on the machines Node runs on. False when `id` is not one.
 */
export function idWords(id: string, out: Uint32Array): boolean {
  if (id.length !== ID_BYTES * 2) return false;
  for (let w = 0; w < ID_WORDS; w++) {
    let word = 0;
    for (let b = 0; b < 4; b++) {
      const at = w * 8 + b * 2;
      const hi = HEX_VALUE[id.charCodeAt(at)] ?? -1;
      const lo = HEX_VALUE[id.charCodeAt(at + 1)] ?? -1;
      if ((hi | lo) < 0) return false;
      word |= ((hi << 4) | lo) << (b * 8);
    }
    out[w] = word >>> 0;
  }
  return true;
}

/**
 * An open-addressing hash set of blob ids in a SharedArrayBuffer: 32 bytes a slot, linear probing,
 * an all-zero slot empty (an HMAC output is all zeros with probability 2^-256). Ids are HMAC outputs,
 * uniformly distributed, so their first word is a good hash. The index (blob-index.ts) keeps its ids
 * in one and numbers its blobs by slot; every archive worker attaches a copy, read-only, to ask "is
 * this blob already stored?" without a copy of the index per thread.
 */
export class SharedBlobIdSet {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly #words: Uint32Array;
  readonly #mask: number;
  readonly #scratch = new Uint32Array(ID_WORDS);

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.slots = buffer.byteLength / ID_BYTES;
    this.#words = new Uint32Array(buffer);
    this.#mask = this.slots - 1;
  }

  /** An empty set of `slots` slots (a power of two; keep it at least twice the ids it will hold). */
  static withSlots(slots: number): SharedBlobIdSet {
    if (slots < 1 || (slots & (slots - 1)) !== 0) throw new RangeError(`slots must be a power of two: ${slots}`);
    return new SharedBlobIdSet(new SharedArrayBuffer(slots * ID_BYTES));
  }

  /** The smallest power-of-two slot count that keeps `count` ids at most half full. */
  static slotsFor(count: number): number {
    let slots = 16;
    while (slots < count * 2) slots *= 2;
    return slots;
  }

  /** A view of a set built elsewhere (another thread's), e.g. from `buffer` or `copyBuffer()`. */
  static attach(buffer: SharedArrayBuffer): SharedBlobIdSet {
    return new SharedBlobIdSet(buffer);
  }

  has(id: BlobId): boolean {
    return idWords(id, this.#scratch) && this.slotOfWords(this.#scratch) >= 0;
  }

  /** The slot holding the id, or -1. */
  slotOfWords(id: Uint32Array): number {
    const words = this.#words;
    for (let slot = (id[0] as number) & this.#mask, probes = 0; probes < this.slots; slot = (slot + 1) & this.#mask) {
      const base = slot * ID_WORDS;
      if (words[base] === id[0] && this.#sameRest(base, id)) return slot;
      if (this.isEmptySlot(slot)) return -1;
      probes++;
    }
    return -1;
  }

  /**
   * Inserts an id; returns its slot, or -(slot + 1) when it was there already. The caller keeps the
   * set at most half full (see slotsFor); a full set throws.
   */
  insertWords(id: Uint32Array): number {
    const words = this.#words;
    for (let slot = (id[0] as number) & this.#mask, probes = 0; probes < this.slots; slot = (slot + 1) & this.#mask) {
      const base = slot * ID_WORDS;
      if (this.isEmptySlot(slot)) {
        words.set(id.subarray(0, ID_WORDS), base);
        return slot;
      }
      if (words[base] === id[0] && this.#sameRest(base, id)) return -(slot + 1);
      probes++;
    }
    throw new RangeError('SharedBlobIdSet is full');
  }

  isEmptySlot(slot: number): boolean {
    const words = this.#words;
    const base = slot * ID_WORDS;
    for (let i = 0; i < ID_WORDS; i++) if (words[base + i] !== 0) return false;
    return true;
  }

  /** The 8 words of the id in `slot` (a view: valid while the set lives). */
  wordsAt(slot: number): Uint32Array {
    return this.#words.subarray(slot * ID_WORDS, slot * ID_WORDS + ID_WORDS);
  }

  /** A copy of the whole table in new shared memory (for threads that must not see later inserts). */
  copyBuffer(): SharedArrayBuffer {
    return this.buffer.slice(0);
  }

  #sameRest(base: number, id: Uint32Array): boolean {
    const words = this.#words;
    for (let i = 1; i < ID_WORDS; i++) if (words[base + i] !== id[i]) return false;
    return true;
  }
}
