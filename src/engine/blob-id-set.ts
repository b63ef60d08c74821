import type { BlobId } from '../core/ids.js';

const ID_BYTES = 32;

/**
 * A read-only open-addressing hash set of blob ids over a SharedArrayBuffer, so every archive worker
 * can ask "is this blob already stored?" without a copy of the index per thread. Ids are HMAC
 * outputs, uniformly distributed, so their first 4 bytes are a good hash.
 */
export class SharedBlobIdSet {
  readonly buffer: SharedArrayBuffer;
  readonly #table: Uint8Array;
  readonly #slots: number;
  readonly #scratch = Buffer.allocUnsafe(ID_BYTES);

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#table = new Uint8Array(buffer);
    this.#slots = buffer.byteLength / ID_BYTES;
  }

  static build(ids: Iterable<BlobId>, count: number): SharedBlobIdSet {
    let slots = 16;
    while (slots < count * 2) slots *= 2;
    const set = new SharedBlobIdSet(new SharedArrayBuffer(slots * ID_BYTES));
    const bytes = Buffer.allocUnsafe(ID_BYTES); // decoded in place: no buffer per id
    for (const id of ids) {
      bytes.write(id, 0, ID_BYTES, 'hex');
      set.#insert(bytes);
    }
    return set;
  }

  static attach(buffer: SharedArrayBuffer): SharedBlobIdSet {
    return new SharedBlobIdSet(buffer);
  }

  has(id: BlobId): boolean {
    this.#scratch.write(id, 0, ID_BYTES, 'hex');
    return this.hasBytes(this.#scratch);
  }

  hasBytes(id: Uint8Array): boolean {
    const mask = this.#slots - 1;
    for (let slot = this.#home(id); ; slot = (slot + 1) & mask) {
      const base = slot * ID_BYTES;
      if (this.#isEmpty(base)) return false;
      if (this.#equals(base, id)) return true;
    }
  }

  #insert(id: Uint8Array): void {
    const mask = this.#slots - 1;
    for (let slot = this.#home(id); ; slot = (slot + 1) & mask) {
      const base = slot * ID_BYTES;
      if (this.#isEmpty(base)) {
        this.#table.set(id, base);
        return;
      }
      if (this.#equals(base, id)) return;
    }
  }

  #home(id: Uint8Array): number {
    const h = ((id[0] ?? 0) | ((id[1] ?? 0) << 8) | ((id[2] ?? 0) << 16) | ((id[3] ?? 0) << 24)) >>> 0;
    return h & (this.#slots - 1);
  }

  #isEmpty(base: number): boolean {
    // An all-zero id is an HMAC output with probability 2^-256: treat zero as empty.
    for (let i = 0; i < ID_BYTES; i++) if (this.#table[base + i] !== 0) return false;
    return true;
  }

  #equals(base: number, id: Uint8Array): boolean {
    for (let i = 0; i < ID_BYTES; i++) if (this.#table[base + i] !== id[i]) return false;
    return true;
  }
}
