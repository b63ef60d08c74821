import { createRequire } from 'node:module';

/**
 * Page-cache hints Node.js lacks, from Amber's small native addon (native/page-cache.c, built by
 * `npm install` through node-gyp). A pack is written once and read again only by a restore or a
 * verify, usually much later: keeping 1 GiB of new packs in the page cache would push out what the
 * machine's own programs use, and on a VM every page first touched costs the host a fault. So the
 * local driver drops a stored file's pages once they are durable, as borg does for its segments.
 *
 * The hints change no result: without the addon (not built, or another OS) nothing is dropped and
 * `amber doctor` says why.
 */
interface PageCacheAddon {
  /** 0, or the errno of posix_fadvise(POSIX_FADV_DONTNEED). Dirty pages stay: write them first. */
  dropCachedPages(fd: number): number;
  /** The number of the file's pages in the page cache, or -errno. */
  residentPages(fd: number): number;
}

/** Where the addon is, from dist/<dir>/ (compiled modules) and dist/bundle/ (the CLI's bundle) alike. */
const ADDON_PATH = new URL('../../build/Release/page_cache.node', import.meta.url);

type Loaded = { readonly addon: PageCacheAddon } | { readonly addon: null; readonly reason: string };
let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    loaded = { addon: null, reason: `page-cache hints are implemented for Linux only (this is ${process.platform})` };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH.pathname) as PageCacheAddon;
    loaded = { addon };
  } catch (error) {
    loaded = {
      addon: null,
      reason: `the native addon ${ADDON_PATH.pathname} did not load (npm install builds it): ${(error as Error).message}`,
    };
  }
  return loaded;
}

/** Why the hints are unavailable here, or null when they work. */
export function pageCacheHintsUnavailable(): string | null {
  const state = load();
  return state.addon === null ? state.reason : null;
}

/**
 * Asks the kernel to drop the clean cached pages of the open file `fd` (after an fsync, all of them).
 * A hint: returns false when it could not be given, and never throws for that.
 */
export function dropCachedPages(fd: number): boolean {
  const { addon } = load();
  return addon !== null && addon.dropCachedPages(fd) === 0;
}

/** The number of pages of the open file `fd` in the page cache, or null when it cannot be told. */
export function residentPages(fd: number): number | null {
  const { addon } = load();
  if (addon === null) return null;
  const pages = addon.residentPages(fd);
  return pages < 0 ? null : pages;
}
