import type { LstatFacts } from '../native/dir-scan.js';

/** What the walker found on disk: the source as a tree, with each entry's lstat facts. */
export type SourceEntry = SourceDir | SourceFile | SourceSymlink | SourceFifo;

/**
 * The lstat facts a backup keeps of an entry, as the native directory scan gives them. The
 * portable walk copies them out of Node's BigIntStats at once, so that object (18 bigints and 4
 * Dates) dies young instead of living through the backup.
 */
export type EntryStat = LstatFacts;

interface SourceCommon {
  readonly name: string;
  /** Absolute path on disk. */
  readonly path: string;
  readonly stat: EntryStat;
}

export interface SourceDir extends SourceCommon {
  readonly kind: 'dir';
  readonly children: SourceEntry[];
  /**
   * True when the walk listed this directory whole: every entry read (a skipped device file is not
   * a gap). False for the ancestors of a source path (they hold only the way to it) and when a
   * directory or one of its entries could not be read. Only complete directories can reuse a tree.
   */
  complete: boolean;
}

export interface SourceFile extends SourceCommon {
  readonly kind: 'file';
}

export interface SourceSymlink extends SourceCommon {
  readonly kind: 'symlink';
  readonly target: string;
}

export interface SourceFifo extends SourceCommon {
  readonly kind: 'fifo';
}

export interface WalkWarning {
  readonly path: string;
  readonly message: string;
}

export interface WalkResult {
  /** A synthetic directory standing for '/', whose descendants lead to each source path. */
  readonly root: SourceDir;
  readonly files: SourceFile[];
  readonly dirCount: number;
  readonly totalBytes: number;
  readonly warnings: WalkWarning[];
}
