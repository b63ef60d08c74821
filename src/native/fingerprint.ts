import { nativeAddon } from './addon.js';

/**
 * XXH3-128 of `bytes` with the 64-bit seed `seedHigh:seedLow`, as 32 hex digits (native/fingerprint.c,
 * on the caller's bytes). Null when the native addon is not available here.
 */
export function fingerprint128(bytes: Uint8Array, seedHigh: number, seedLow: number): string | null {
  const addon = nativeAddon();
  return addon === null ? null : addon.fingerprint128(bytes, seedHigh, seedLow);
}
