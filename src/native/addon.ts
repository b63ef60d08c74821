import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Amber's native addon (native/*.c, built by `npm install` through node-gyp): the few system calls
 * Node.js lacks. Nothing depends on it for correctness — each user has a portable path and uses the
 * addon only to be faster or lighter — so a missing addon (not built, or another OS) is reported, not
 * fatal: `amber doctor` says why.
 */
export interface NativeAddon {
  /** 0, or the errno of posix_fadvise(POSIX_FADV_DONTNEED). Dirty pages stay: write them first. */
  dropCachedPages(fd: number): number;
  /** The number of the file's pages in the page cache, or -errno. */
  residentPages(fd: number): number;
  /** The FastCDC cut search (native/chunker.c): a position, or -1. */
  readonly findCut: (bytes: Uint8Array, gear: Int32Array, from: number, to: number, mask: number) => number;
  /** XXH3-128 of the bytes with a 64-bit seed, as 32 hex digits. */
  fingerprint128(bytes: Uint8Array, seedHigh: number, seedLow: number): string;
  /** 0, or an errno: sets the C allocator's trim threshold (native/memory.c). */
  keepFreedMemory(bytes: number): number;
  /** 0, or the errno of posix_fadvise(POSIX_FADV_WILLNEED, or POSIX_FADV_DONTNEED) on the range. */
  adviseRange(fd: number, offset: number, length: number, willNeed: boolean): number;
  /** -errno, or the directory's entries: see native/dir-scan.c and dir-scan.ts. */
  scanDirectory(path: string): number | { readonly names: string; readonly facts: ArrayBuffer };
}

/** Where the addon is, from dist/<dir>/ (compiled modules) and dist/bundle/ (the CLI's bundle) alike. */
const ADDON_PATH = fileURLToPath(new URL('../../build/Release/amber_native.node', import.meta.url));

type Loaded = { readonly addon: NativeAddon } | { readonly addon: null; readonly reason: string };
let loaded: Loaded | undefined;

function load(): Loaded {
  if (process.platform !== 'linux') {
    return { addon: null, reason: `Amber's native addon is built for Linux only (this is ${process.platform})` };
  }
  try {
    return { addon: createRequire(import.meta.url)(ADDON_PATH) as NativeAddon };
  } catch (error) {
    return {
      addon: null,
      reason: `the native addon ${ADDON_PATH} did not load (npm install builds it): ${(error as Error).message}`,
    };
  }
}

/** The addon, or null when it is not available here. */
export function nativeAddon(): NativeAddon | null {
  loaded ??= load();
  return loaded.addon;
}

/** Why the addon is not available here, or null when it is. */
export function nativeAddonUnavailable(): string | null {
  loaded ??= load();
  return loaded.addon === null ? loaded.reason : null;
}
