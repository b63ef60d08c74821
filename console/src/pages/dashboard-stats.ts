import type { Item, Point } from '../api/types.js';
import { formatDay } from '../lib/format.js';
import type { Datum } from '../charts/chart-axis.js';

/** The last `days` local calendar days ending with the day of `nowMs`, oldest first, as "YYYY-MM-DD". */
export function lastDays(nowMs: number, days: number): string[] {
  const today = new Date(nowMs);
  const out: string[] = [];
  for (let back = days - 1; back >= 0; back -= 1) {
    out.push(formatDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - back).getTime()));
  }
  return out;
}

/** Recovery points created on each day. */
export function backupsPerDay(points: readonly Point[], days: readonly string[]): Datum[] {
  const counts = new Map<string, number>();
  for (const point of points) {
    const day = formatDay(point.createdAt);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return days.map((day) => ({ label: day, value: counts.get(day) ?? 0 }));
}

/** Storage used at the end of each day: the cumulative stored bytes the points added. */
export function storageOverTime(points: readonly Point[], days: readonly string[]): Datum[] {
  const first = days[0] ?? '';
  let total = 0;
  const added = new Map<string, number>();
  for (const point of points) {
    const day = formatDay(point.createdAt);
    if (day < first) total += point.addedStoredBytes;
    else added.set(day, (added.get(day) ?? 0) + point.addedStoredBytes);
  }
  return days.map((day) => {
    total += added.get(day) ?? 0;
    return { label: day, value: total };
  });
}

export interface ItemHealth {
  readonly healthy: number;
  readonly failed: number;
  readonly waiting: number;
  readonly failedItems: readonly { readonly vault: string; readonly item: string; readonly message: string | null }[];
}

/**
 * Item health from their last backup job: succeeded → healthy, failed → failed; an item never backed up
 * by a job counts healthy if it has points (CLI backups), else waiting. Stopped items are left out.
 */
export function itemHealth(items: readonly (Item & { readonly vault: string })[]): ItemHealth {
  let healthy = 0;
  let waiting = 0;
  const failedItems: { vault: string; item: string; message: string | null }[] = [];
  for (const item of items) {
    if (item.state !== 'protected') continue;
    const status = item.lastJob?.status;
    if (status === 'failed')
      failedItems.push({ vault: item.vault, item: item.name, message: item.lastJob?.message ?? null });
    else if (status === 'succeeded' || (item.lastJob === null && item.points > 0)) healthy += 1;
    else waiting += 1;
  }
  return { healthy, failed: failedItems.length, waiting, failedItems };
}
