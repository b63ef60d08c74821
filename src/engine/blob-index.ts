import type { BlobId, IndexId, PackId } from '../core/ids.js';
import type { PackEntry } from '../format/pack.js';
import type { IndexSegment } from '../format/index-segment.js';

export interface BlobLocation {
  readonly packId: PackId;
  readonly entry: PackEntry;
}

/**
 * The in-memory union of the vault's index segments: where every stored blob lives, and which
 * segment describes each pack (a point's manifest names the segments its packs are in).
 */
export class BlobIndex {
  readonly #blobs = new Map<string, BlobLocation>();
  readonly #packSegments = new Map<string, IndexId>();
  readonly #segments = new Set<IndexId>();

  get blobCount(): number {
    return this.#blobs.size;
  }

  get packCount(): number {
    return this.#packSegments.size;
  }

  hasSegment(indexId: IndexId): boolean {
    return this.#segments.has(indexId);
  }

  addSegment(indexId: IndexId, segment: IndexSegment): void {
    this.#segments.add(indexId);
    for (const pack of segment.packs) this.addPack(indexId, pack.packId, pack.entries);
  }

  addPack(indexId: IndexId, packId: PackId, entries: readonly PackEntry[]): void {
    this.#segments.add(indexId);
    if (!this.#packSegments.has(packId)) this.#packSegments.set(packId, indexId);
    for (const entry of entries) {
      if (!this.#blobs.has(entry.blobId)) this.#blobs.set(entry.blobId, { packId, entry });
    }
  }

  has(blobId: BlobId): boolean {
    return this.#blobs.has(blobId);
  }

  get(blobId: BlobId): BlobLocation | undefined {
    return this.#blobs.get(blobId);
  }

  segmentOfPack(packId: PackId): IndexId | undefined {
    return this.#packSegments.get(packId);
  }

  hasPack(packId: PackId): boolean {
    return this.#packSegments.has(packId);
  }

  blobIds(): IterableIterator<BlobId> {
    return this.#blobs.keys() as IterableIterator<BlobId>;
  }

  packIds(): IterableIterator<PackId> {
    return this.#packSegments.keys() as IterableIterator<PackId>;
  }
}
