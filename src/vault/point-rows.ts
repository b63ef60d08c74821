import type { PointId } from '../core/ids.js';
import type { PointRow, StorageLockMode } from '../catalog/point-row.js';
import type { PointBody, PointHeader } from '../format/point-manifest.js';
import type { ObjectInfo } from '../storage/object-store.js';

/** The catalog row of a point, from its manifest and the storage lock on the manifest object. */
export function pointRowFrom(id: PointId, header: PointHeader, body: PointBody, info?: ObjectInfo): PointRow {
  const lockMode: StorageLockMode = info?.lock?.mode ?? 'none';
  return {
    id,
    vaultId: header.vaultId,
    item: header.item,
    createdAt: header.createdAt,
    retainUntil: Math.max(header.retainUntil, info?.lock?.retainUntil ?? 0),
    tags: header.tags,
    hostname: header.hostname,
    paths: header.paths,
    root: body.root,
    files: body.stats.files,
    dirs: body.stats.dirs,
    sizeBytes: body.stats.sizeBytes,
    addedBytes: body.stats.addedBytes,
    addedStoredBytes: body.stats.addedStoredBytes,
    lockMode,
    legalHold: info?.legalHold ?? false,
    ...(body.parent === undefined ? {} : { parent: body.parent }),
  };
}
