/**
 * Seconds for utimes/futimes. Node passes times to libuv as a double, which truncates to the
 * nanosecond field: half a microsecond added makes that truncation land on the right microsecond
 * (the finest time Node can set; the tree keeps nanoseconds).
 */
export function secondsOf(mtimeNs: string): number {
  return Number(BigInt(mtimeNs) / 1000n) / 1e6 + 5e-7;
}
