import { AmberError } from '../core/errors.js';
import type { Catalog } from '../catalog/catalog.js';
import type { PointRow } from '../catalog/point-row.js';

/** Finds one point by full id, unique id prefix, or 'latest' (of an item when given). */
export async function resolvePointRef(catalog: Catalog, ref: string, item?: string): Promise<PointRow> {
  if (ref === 'latest') {
    const latest = await catalog.latestPoint(item);
    if (latest === undefined) {
      const scope = item === undefined ? 'this vault' : `item ${item}`;
      throw new AmberError('POINT_NOT_FOUND', `There is no recovery point of ${scope} yet.`);
    }
    return latest;
  }
  if (!/^[0-9a-f]{1,64}$/.test(ref)) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `${ref} is not a recovery point id: give 'latest' or hex digits of an id.`,
    );
  }
  const matches = (await catalog.findPointsByPrefix(ref)).filter((p) => item === undefined || p.item === item);
  if (matches.length === 0) {
    throw new AmberError('POINT_NOT_FOUND', `No recovery point has an id starting with ${ref}.`, { details: { ref } });
  }
  if (matches.length > 1) {
    throw new AmberError(
      'POINT_AMBIGUOUS',
      `${matches.length} recovery points have ids starting with ${ref}; give more digits.`,
      {
        details: { ref, matches: matches.map((m) => m.id) },
      },
    );
  }
  return matches[0] as PointRow;
}
