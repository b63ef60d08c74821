import type { EntryStat } from './source-tree.js';

/**
 * Whether an entry changed so shortly before the backup began that it may change again within the
 * same timestamp tick without its facts showing it; such an entry is not recorded in the files
 * cache (the next backup reads it again). This is git's "racily clean" problem.
 *
 * The window follows the file system's timestamp granularity, told by the ctime the kernel set: a
 * ctime with a sub-second part means fine timestamps (ext4, XFS, btrfs: the kernel's coarse clock,
 * a few milliseconds), where 100 ms is many ticks; a ctime in whole seconds may mean 1 s or 2 s
 * timestamps (FAT, some network file systems), where the window is 2 s.
 */
export function isRacy(stat: EntryStat, backupStartNs: bigint): boolean {
  return racyCheck(backupStartNs)(stat);
}

/** isRacy for one backup start, with its limits computed once (it runs for every entry). */
export function racyCheck(backupStartNs: bigint): (stat: EntryStat) => boolean {
  const fineLimit = backupStartNs - FINE_WINDOW_NS;
  const coarseLimit = backupStartNs - COARSE_WINDOW_NS;
  return (stat) => {
    const limit = stat.ctimeNs % NS_PER_SECOND === 0n ? coarseLimit : fineLimit;
    return stat.mtimeNs > limit || stat.ctimeNs > limit;
  };
}

const NS_PER_SECOND = 1_000_000_000n;
const FINE_WINDOW_NS = 100_000_000n;
const COARSE_WINDOW_NS = 2_000_000_000n;
