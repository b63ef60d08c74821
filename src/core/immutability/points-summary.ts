/** What the rules need to know about one recovery point (a catalog PointRow fits). */
export interface PointProtection {
  /** Shown in reasons when given. */
  readonly id?: string;
  readonly retainUntil: number;
  readonly legalHold: boolean;
}

/**
 * What the rules need to know about a set of recovery points (of a vault or a protected item); the
 * catalog can compute it in one query (count, count of holds, max(retain_until)).
 */
export interface PointsSummary {
  readonly pointCount: number;
  readonly legalHoldCount: number;
  /** The latest retainUntil among the points; absent when there are none. */
  readonly latestRetainUntil?: number;
}

/** A point is expired once nowMs ≥ retainUntil. */
export function isExpired(retainUntil: number, nowMs: number): boolean {
  return nowMs >= retainUntil;
}

export function summarizePoints(points: Iterable<PointProtection>): PointsSummary {
  let pointCount = 0;
  let legalHoldCount = 0;
  let latestRetainUntil: number | undefined;
  for (const point of points) {
    pointCount += 1;
    if (point.legalHold) legalHoldCount += 1;
    if (latestRetainUntil === undefined || point.retainUntil > latestRetainUntil) latestRetainUntil = point.retainUntil;
  }
  return latestRetainUntil === undefined
    ? { pointCount, legalHoldCount }
    : { pointCount, legalHoldCount, latestRetainUntil };
}
