import { asIndexId, asPackId, type BlobId, type IndexId, type PackId } from '../core/ids.js';
import { blobTypeId, blobTypeOf, PACK_ENTRY_BYTES, type PackEntry } from '../format/pack-entry.js';
import type { IndexSegment, IndexSegmentTables } from '../format/index-segment.js';
import { ID_BYTES, idWords, SharedBlobIdSet } from './blob-id-set.js';

export interface BlobLocation {
  readonly packId: PackId;
  readonly entry: PackEntry;
}

/** Per slot: pack number, offset, length, rawLength. */
const WHERE_WORDS = 4;
/** A slot in tables(): id, pack number, offset, length, rawLength (u32 each), kind (u8). */
const SLOT_BYTES = ID_BYTES + WHERE_WORDS * 4 + 1;
const PACK_RECORD_BYTES = ID_BYTES + 4;

/**
 * The in-memory union of the vault's index segments: where every stored blob lives, and which
 * segment describes each pack (a point's manifest names the segments its packs are in).
 *
 * Blobs are kept in typed arrays, not as objects: their ids in a SharedBlobIdSet (so the archive
 * workers get the "already stored?" set as one copy of memory) and, per slot, the pack number,
 * offset, lengths, type and compression. A million blobs take 100–200 MiB of flat memory (about what
 * their objects took) instead of four million heap objects for the collector to trace; a segment
 * loads without building any, and the whole index saves to (and loads from) flat bytes: see tables(),
 * and index-snapshot.ts for its use.
 */
export class BlobIndex {
  readonly #segments: IndexId[] = [];
  readonly #segmentNumbers = new Map<IndexId, number>();
  readonly #packs: PackId[] = [];
  readonly #packNumbers = new Map<PackId, number>();
  /** Pack number → the number of the segment that described it first. */
  readonly #packSegments: number[] = [];
  #ids = SharedBlobIdSet.withSlots(SharedBlobIdSet.slotsFor(0));
  #where = new Uint32Array(this.#ids.slots * WHERE_WORDS);
  /** Per slot: type id | compression << 4. */
  #kinds = new Uint8Array(this.#ids.slots);
  #blobCount = 0;
  readonly #words = new Uint32Array(ID_BYTES / 4);

  get blobCount(): number {
    return this.#blobCount;
  }

  get packCount(): number {
    return this.#packs.length;
  }

  hasSegment(indexId: IndexId): boolean {
    return this.#segmentNumbers.has(indexId);
  }

  addSegment(indexId: IndexId, segment: IndexSegment): void {
    this.#segmentNumber(indexId);
    for (const pack of segment.packs) this.addPack(indexId, pack.packId, pack.entries);
  }

  /** addSegment for a segment decoded as tables (decodeIndexSegmentTables): no object per entry. */
  addSegmentTables(indexId: IndexId, segment: IndexSegmentTables): void {
    this.#segmentNumber(indexId);
    for (const pack of segment.packs) this.#addPackTable(indexId, pack.packId, pack.entryTable);
  }

  /** Adds a pack's blobs; a blob already indexed keeps its first location. */
  addPack(indexId: IndexId, packId: PackId, entries: readonly PackEntry[]): void {
    const packNumber = this.#packNumber(packId, this.#segmentNumber(indexId));
    this.#reserve(this.#blobCount + entries.length);
    for (const entry of entries) {
      if (!idWords(entry.blobId, this.#words)) throw new RangeError(`not a blob id: ${entry.blobId}`);
      this.#insert(packNumber, entry.offset, entry.length, entry.rawLength, blobTypeId(entry.type), entry.compression);
    }
  }

  /** Adds a pack's blobs from its entries as stored (checked by the decoder): no object per entry. */
  #addPackTable(indexId: IndexId, packId: PackId, table: Uint8Array): void {
    const packNumber = this.#packNumber(packId, this.#segmentNumber(indexId));
    const count = table.length / PACK_ENTRY_BYTES;
    this.#reserve(this.#blobCount + count);
    const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const words = this.#words;
    for (let o = 0; o < table.length; o += PACK_ENTRY_BYTES) {
      for (let w = 0; w < 8; w++) words[w] = view.getUint32(o + w * 4, true);
      this.#insert(
        packNumber,
        view.getUint32(o + 34, true),
        view.getUint32(o + 38, true),
        view.getUint32(o + 42, true),
        table[o + 32] as number,
        table[o + 33] as number,
      );
    }
  }

  has(blobId: BlobId): boolean {
    return idWords(blobId, this.#words) && this.#ids.slotOfWords(this.#words) >= 0;
  }

  get(blobId: BlobId): BlobLocation | undefined {
    if (!idWords(blobId, this.#words)) return undefined;
    const slot = this.#ids.slotOfWords(this.#words);
    if (slot < 0) return undefined;
    const w = slot * WHERE_WORDS;
    const where = this.#where;
    const kind = this.#kinds[slot] as number;
    return {
      packId: this.#packs[where[w] as number] as PackId,
      entry: {
        blobId,
        type: blobTypeOf(kind & 0xf) ?? 'data',
        offset: where[w + 1] as number,
        length: where[w + 2] as number,
        rawLength: where[w + 3] as number,
        compression: kind >> 4 === 1 ? 1 : 0,
      },
    };
  }

  /**
   * The packs holding any of these blobs (sorted) and how many distinct blobs the lists name (an id
   * the index lacks counts too, and names no pack).
   */
  packsOf(idLists: Iterable<Iterable<BlobId>>): { packIds: PackId[]; blobs: number } {
    const seen = new Uint8Array(this.#ids.slots);
    const packs = new Uint8Array(this.#packs.length);
    const unindexed = new Set<BlobId>();
    let blobs = 0;
    for (const ids of idLists) {
      for (const id of ids) {
        const slot = idWords(id, this.#words) ? this.#ids.slotOfWords(this.#words) : -1;
        if (slot < 0) {
          unindexed.add(id);
        } else if (seen[slot] === 0) {
          seen[slot] = 1;
          blobs++;
          packs[this.#where[slot * WHERE_WORDS] as number] = 1;
        }
      }
    }
    const packIds = this.#packs.filter((_, n) => packs[n] === 1).sort();
    return { packIds, blobs: blobs + unindexed.size };
  }

  segmentOfPack(packId: PackId): IndexId | undefined {
    const packNumber = this.#packNumbers.get(packId);
    return packNumber === undefined ? undefined : this.#segments[this.#packSegments[packNumber] as number];
  }

  hasPack(packId: PackId): boolean {
    return this.#packNumbers.has(packId);
  }

  packIds(): IterableIterator<PackId> {
    return this.#packNumbers.keys();
  }

  /**
   * Every indexed blob id as a table an archive worker attaches (SharedBlobIdSet.attach): a copy, so
   * the blobs this index gains later never change what a running worker reads.
   */
  knownBlobs(): SharedArrayBuffer {
    return this.#ids.copyBuffer();
  }

  /**
   * The whole index as bytes, in pieces (views of its tables, valid until the index changes) that
   * concatenated are what fromBytes reads. Little-endian: u32 segment count and their ids (32 bytes
   * each); u32 pack count and per pack its id and u32 segment number; u32 slot count and u32 blob
   * count; then per slot its id (32 bytes, zero when empty); per slot its pack number, offset, length
   * and rawLength (u32 each); per slot its type | compression << 4 (u8). The tables are taken as they
   * are: no blob is inserted again.
   */
  tables(): Uint8Array[] {
    const slots = this.#ids.slots;
    const head = Buffer.alloc(4 + this.#segments.length * ID_BYTES + 4 + this.#packs.length * PACK_RECORD_BYTES + 8);
    let at = head.writeUInt32LE(this.#segments.length, 0);
    for (const id of this.#segments) at += head.write(id, at, ID_BYTES, 'hex');
    at = head.writeUInt32LE(this.#packs.length, at);
    this.#packs.forEach((id, n) => {
      at += head.write(id, at, ID_BYTES, 'hex');
      at = head.writeUInt32LE(this.#packSegments[n] as number, at);
    });
    at = head.writeUInt32LE(slots, at);
    head.writeUInt32LE(this.#blobCount, at);
    return [head, new Uint8Array(this.#ids.buffer), new Uint8Array(this.#where.buffer), this.#kinds];
  }

  /**
   * Reads what tables() gave, concatenated. Throws a RangeError when the bytes are not such a table (a length or
   * count that does not add up, a pack number or type out of range): whatever the bytes, the index
   * read from them answers every question without failing or looping; whether they are what Amber
   * wrote is for the caller to know (index-snapshot.ts authenticates them).
   */
  static fromBytes(bytes: Uint8Array): BlobIndex {
    const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = new BlobIndex();
    let at = 0;
    const need = (length: number): void => {
      if (at + length > source.length) throw new RangeError('the index table is truncated');
    };
    const u32 = (): number => {
      need(4);
      at += 4;
      return source.readUInt32LE(at - 4);
    };
    const id = (): string => {
      need(ID_BYTES);
      at += ID_BYTES;
      return source.toString('hex', at - ID_BYTES, at);
    };
    const segmentCount = u32();
    for (let i = 0; i < segmentCount; i++) {
      const segment = asIndexId(id());
      if (index.#segmentNumbers.has(segment)) throw new RangeError('the index table names a segment twice');
      index.#segmentNumber(segment);
    }
    const packCount = u32();
    for (let i = 0; i < packCount; i++) {
      const pack = asPackId(id());
      const segmentNumber = u32();
      if (segmentNumber >= segmentCount || index.#packNumbers.has(pack)) {
        throw new RangeError('the index table has a bad pack record');
      }
      index.#packNumber(pack, segmentNumber);
    }
    const slots = u32();
    const blobCount = u32();
    if (slots < 16 || (slots & (slots - 1)) !== 0 || blobCount * 2 > slots) {
      throw new RangeError('the index table has a bad slot count');
    }
    if (source.length - at !== slots * SLOT_BYTES) throw new RangeError('the index table has a bad length');
    const ids = SharedBlobIdSet.withSlots(slots);
    new Uint8Array(ids.buffer).set(source.subarray(at, at + slots * ID_BYTES));
    at += slots * ID_BYTES;
    const where = new Uint32Array(slots * WHERE_WORDS);
    new Uint8Array(where.buffer).set(source.subarray(at, at + slots * WHERE_WORDS * 4));
    at += slots * WHERE_WORDS * 4;
    const kinds = new Uint8Array(source.subarray(at, at + slots));
    let occupied = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (ids.isEmptySlot(slot)) continue;
      occupied++;
      const kind = kinds[slot] as number;
      if ((where[slot * WHERE_WORDS] as number) >= packCount || blobTypeOf(kind & 0xf) === undefined || kind >> 4 > 1) {
        throw new RangeError('the index table has a bad blob record');
      }
    }
    if (occupied !== blobCount) throw new RangeError('the index table has a bad blob count');
    index.#ids = ids;
    index.#where = where;
    index.#kinds = kinds;
    index.#blobCount = blobCount;
    return index;
  }

  /** Makes room for `count` blobs in all (a hint: adding more still works). */
  reserve(count: number): void {
    this.#reserve(count);
  }

  #segmentNumber(indexId: IndexId): number {
    let n = this.#segmentNumbers.get(indexId);
    if (n === undefined) {
      n = this.#segments.push(indexId) - 1;
      this.#segmentNumbers.set(indexId, n);
    }
    return n;
  }

  #packNumber(packId: PackId, segmentNumber: number): number {
    let n = this.#packNumbers.get(packId);
    if (n === undefined) {
      n = this.#packs.push(packId) - 1;
      this.#packNumbers.set(packId, n);
      this.#packSegments.push(segmentNumber);
    }
    return n;
  }

  /** Inserts the id in #words unless present (then false): the first location of a blob stands. */
  #insert(
    packNumber: number,
    offset: number,
    length: number,
    rawLength: number,
    type: number,
    compression: number,
  ): boolean {
    const slot = this.#ids.insertWords(this.#words);
    if (slot < 0) return false;
    const w = slot * WHERE_WORDS;
    this.#where[w] = packNumber;
    this.#where[w + 1] = offset;
    this.#where[w + 2] = length;
    this.#where[w + 3] = rawLength;
    this.#kinds[slot] = type | (compression << 4);
    this.#blobCount++;
    return true;
  }

  /** Grows the table (rehashing every id) so that `count` blobs keep it at most half full. */
  #reserve(count: number): void {
    const slots = SharedBlobIdSet.slotsFor(count);
    if (slots <= this.#ids.slots) return;
    const old = { ids: this.#ids, where: this.#where, kinds: this.#kinds };
    this.#ids = SharedBlobIdSet.withSlots(slots);
    this.#where = new Uint32Array(slots * WHERE_WORDS);
    this.#kinds = new Uint8Array(slots);
    for (let slot = 0; slot < old.ids.slots; slot++) {
      if (old.ids.isEmptySlot(slot)) continue;
      const to = this.#ids.insertWords(old.ids.wordsAt(slot));
      this.#where.set(old.where.subarray(slot * WHERE_WORDS, slot * WHERE_WORDS + WHERE_WORDS), to * WHERE_WORDS);
      this.#kinds[to] = old.kinds[slot] as number;
    }
  }
}
