import { nativeAddon } from './addon.js';

/** The FastCDC cut search of src/format/chunker.ts in C (native/chunker.c). */
export type FindCut = (bytes: Uint8Array, gear: Int32Array, from: number, to: number, mask: number) => number;

/** The native cut search, or null when the native addon is not available here. */
export function nativeFindCut(): FindCut | null {
  const addon = nativeAddon();
  return addon === null ? null : addon.findCut;
}
