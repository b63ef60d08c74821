import { nativeAddon, nativeAddonUnavailable } from './addon.js';

/**
 * Page-cache hints (native/page-cache.c). A pack is written once and read again only by a restore
 * or a verify, usually much later: keeping 1 GiB of new packs in the page cache would push out what
 * the machine's own programs use, and on a VM every page first touched costs the host a fault. So the
 * local driver drops a stored pack's pages once they are durable, as borg does for its segments.
 * Without the addon nothing is dropped.
 */

/** Why the hints are unavailable here, or null when they work. */
export function pageCacheHintsUnavailable(): string | null {
  return nativeAddonUnavailable();
}

/**
 * Asks the kernel to drop the clean cached pages of the open file `fd` (after an fsync, all of them).
 * A hint: returns false when it could not be given, and never throws for that.
 */
export function dropCachedPages(fd: number): boolean {
  const addon = nativeAddon();
  return addon !== null && addon.dropCachedPages(fd) === 0;
}

/** The number of pages of the open file `fd` in the page cache, or null when it cannot be told. */
export function residentPages(fd: number): number | null {
  const addon = nativeAddon();
  if (addon === null) return null;
  const pages = addon.residentPages(fd);
  return pages < 0 ? null : pages;
}

/** Asks the kernel to read a range of the open file `fd` ahead, without waiting for it. A hint: false when not given. */
export function readAhead(fd: number, offset: number, length: number): boolean {
  const addon = nativeAddon();
  return addon !== null && addon.adviseRange(fd, offset, length, true) === 0;
}

/** Asks the kernel to drop the clean cached pages of a range of the open file `fd`. A hint: false when not given. */
export function dropCachedRange(fd: number, offset: number, length: number): boolean {
  const addon = nativeAddon();
  return addon !== null && addon.adviseRange(fd, offset, length, false) === 0;
}
