import { isHex64, asPointId, type PointId } from '../core/ids.js';
import type { Catalog } from '../catalog/catalog.js';
import type { PointRow } from '../catalog/point-row.js';
import type { ObjectStore } from '../storage/object-store.js';

/**
 * Brings the catalog in line with the point manifests in storage: adds points the catalog missed
 * (a crash between committing a manifest and recording it) and drops rows whose manifest is gone.
 * Listing `points/` is cheap; manifests are decoded only for the points the catalog lacks.
 */
export async function syncCatalog(
  store: ObjectStore,
  catalog: Catalog,
  loadRow: (id: PointId) => Promise<PointRow>,
): Promise<{ added: number; removed: number }> {
  const stored = new Set<string>();
  for await (const object of store.list('points/')) {
    const id = object.key.slice('points/'.length);
    if (isHex64(id)) stored.add(id);
  }
  const known = new Set((await catalog.listPoints()).map((p) => p.id as string));
  let added = 0;
  let removed = 0;
  for (const id of stored) {
    if (!known.has(id)) {
      await catalog.addPoint(await loadRow(asPointId(id)));
      added++;
    }
  }
  for (const id of known) {
    if (!stored.has(id)) {
      await catalog.removePoint(asPointId(id));
      removed++;
    }
  }
  return { added, removed };
}
