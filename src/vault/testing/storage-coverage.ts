import { asIndexId, objectKeys } from '../../core/ids.js';
import { decodeIndexSegment, type IndexSegment } from '../../format/index-segment.js';
import type { ObjectInfo } from '../../storage/object-store.js';
import type { EmbeddedVault } from '../embedded-vault.js';

/** What storage says about every object one point needs to be restored. */
export interface PointCoverage {
  readonly pointId: string;
  /** Manifest, packs, the index segments that describe its packs now, the header and the key envelopes. */
  readonly objects: readonly ObjectInfo[];
}

/**
 * Reads, independently of the service's own bookkeeping, which objects each listed point needs now —
 * in particular the current (not superseded) index segments describing its packs, which garbage
 * collection may have rewritten since the point was made — and their storage protection.
 */
export async function pointCoverage(vault: EmbeddedVault): Promise<PointCoverage[]> {
  return vault.admin(async (ctx) => {
    const { repo } = ctx;
    const segments = new Map<string, IndexSegment>();
    for (const id of await repo.listIds('index/')) {
      const indexId = asIndexId(id);
      segments.set(id, decodeIndexSegment(repo.keys, indexId, await repo.store.get(objectKeys.index(indexId))));
    }
    const superseded = new Set([...segments.values()].flatMap((s) => s.supersedes as readonly string[]));
    const segmentsOfPack = new Map<string, string[]>();
    for (const [id, segment] of segments) {
      if (superseded.has(id)) continue;
      for (const pack of segment.packs)
        segmentsOfPack.set(pack.packId, [...(segmentsOfPack.get(pack.packId) ?? []), id]);
    }
    const vaultWide: string[] = [objectKeys.header];
    for await (const object of repo.store.list('keys/')) vaultWide.push(object.key);
    const out: PointCoverage[] = [];
    for (const point of await ctx.catalog.listPoints()) {
      const { body } = await repo.loadPoint(point.id);
      const keys = new Set<string>([objectKeys.point(point.id), ...vaultWide]);
      for (const packId of body.packIds) {
        keys.add(objectKeys.pack(packId));
        for (const id of segmentsOfPack.get(packId) ?? []) keys.add(objectKeys.index(asIndexId(id)));
      }
      const objects: ObjectInfo[] = [];
      for (const key of keys) objects.push(await repo.store.stat(key));
      out.push({ pointId: point.id, objects });
    }
    return out;
  });
}
