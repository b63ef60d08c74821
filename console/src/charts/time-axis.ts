import { MS_PER_DAY } from '../lib/clock.js';

export interface TimeScale {
  readonly fromMs: number;
  readonly toMs: number;
  /** Maps an instant to an x coordinate in [left, right]. */
  x(atMs: number): number;
  /** About `count` tick instants at whole days (local midnight) or, over a long range, month starts. */
  ticks(count: number): number[];
}

/** A linear time scale from [fromMs, toMs] to [left, right]. */
export function timeScale(fromMs: number, toMs: number, left: number, right: number): TimeScale {
  const span = Math.max(toMs - fromMs, 1);
  return {
    fromMs,
    toMs,
    x: (atMs) => left + ((atMs - fromMs) / span) * (right - left),
    ticks: (count) => {
      const stepDays = Math.max(1, Math.ceil(span / MS_PER_DAY / count));
      const first = new Date(fromMs);
      first.setHours(0, 0, 0, 0);
      const out: number[] = [];
      for (let day = 0; out.length <= count + 1; day += stepDays) {
        const at = new Date(first.getFullYear(), first.getMonth(), first.getDate() + day).getTime();
        if (at > toMs) break;
        if (at >= fromMs) out.push(at);
      }
      return out;
    },
  };
}
