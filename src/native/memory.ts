import { nativeAddon } from './addon.js';

/** How much freed memory at the top of an allocator arena a one-shot command keeps (see keepFreedMemory). */
const KEPT_FREED_BYTES = 64 * 1024 * 1024;

/**
 * For a one-shot command that streams data (a backup, a restore): up to 64 MiB freed at the top of
 * each of the C allocator's arenas stay with the process instead of going back to the system at
 * once (native/memory.c). Node gives every cipher output a new buffer; freed a few MiB at a time and
 * given back, each page of them is faulted and zeroed again for the next ones: 250,000 page faults in
 * a full backup of the 2 GB benchmark corpus, 68,000 with the memory kept (system time −0.3 s, peak
 * memory +5 MiB). The long-running server keeps the allocator's default. A hint: false when not set.
 */
export function keepFreedMemory(): boolean {
  const addon = nativeAddon();
  return addon !== null && addon.keepFreedMemory(KEPT_FREED_BYTES) === 0;
}
