import { asIndexId, objectKeys, type IndexId, type PackId, type PointId } from '../core/ids.js';
import { decodeIndexSegment, type IndexSegment } from '../format/index-segment.js';
import type { PointBody } from '../format/point-manifest.js';
import type { Repository } from '../engine/repository.js';

/**
 * The vault's index segments as storage holds them now. A point's manifest names the segments that
 * described its packs when it was made; garbage collection may since have rewritten them (a new
 * segment that supersedes the old ones). The objects a point needs are therefore its manifest, its
 * packs, and the current (not superseded) segments that describe those packs — plus the segments its
 * manifest names, while they exist.
 */
export class IndexSegmentMap {
  /** Every segment in storage, superseded ones included. */
  readonly segments: ReadonlyMap<IndexId, IndexSegment>;
  /** Segments some other segment supersedes. */
  readonly superseded: ReadonlySet<IndexId>;
  readonly #currentByPack = new Map<PackId, IndexId[]>();

  private constructor(segments: ReadonlyMap<IndexId, IndexSegment>) {
    this.segments = segments;
    this.superseded = new Set([...segments.values()].flatMap((s) => s.supersedes));
    for (const [id, segment] of segments) {
      if (this.superseded.has(id)) continue;
      for (const pack of segment.packs)
        this.#currentByPack.set(pack.packId, [...this.currentSegmentsOf(pack.packId), id]);
    }
  }

  static async load(repo: Repository): Promise<IndexSegmentMap> {
    const segments = new Map<IndexId, IndexSegment>();
    for (const id of await repo.listIds('index/')) {
      const indexId = asIndexId(id);
      segments.set(indexId, decodeIndexSegment(repo.keys, indexId, await repo.store.get(objectKeys.index(indexId))));
    }
    return new IndexSegmentMap(segments);
  }

  /** The current segments that describe a pack (usually one). */
  currentSegmentsOf(packId: PackId): readonly IndexId[] {
    return this.#currentByPack.get(packId) ?? [];
  }

  /** Every existing object a point needs to be restored: manifest, packs and index segments. */
  pointObjectKeys(pointId: PointId, body: PointBody): string[] {
    const keys = new Set<string>([objectKeys.point(pointId)]);
    for (const packId of body.packIds) keys.add(objectKeys.pack(packId));
    for (const indexId of body.indexIds) if (this.segments.has(indexId)) keys.add(objectKeys.index(indexId));
    for (const packId of body.packIds) {
      for (const indexId of this.currentSegmentsOf(packId)) keys.add(objectKeys.index(indexId));
    }
    return [...keys];
  }

  /**
   * The segments a new segment replacing `replaced` must supersede: those, and every still-existing
   * segment they supersede themselves. Otherwise deleting a replaced segment would make an older one it
   * superseded current again, with packs that garbage collection has deleted since.
   */
  supersessionOf(replaced: readonly IndexId[]): IndexId[] {
    const out = new Set<IndexId>();
    const visit = (id: IndexId): void => {
      if (out.has(id)) return;
      out.add(id);
      for (const older of this.segments.get(id)?.supersedes ?? []) if (this.segments.has(older)) visit(older);
    };
    replaced.forEach(visit);
    return [...out];
  }
}
