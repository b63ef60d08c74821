import type { BigIntStats } from 'node:fs';

/** What the walker found on disk: the source as a tree, with each entry's lstat. */
export type SourceEntry = SourceDir | SourceFile | SourceSymlink | SourceFifo;

interface SourceCommon {
  readonly name: string;
  /** Absolute path on disk. */
  readonly path: string;
  readonly stat: BigIntStats;
}

export interface SourceDir extends SourceCommon {
  readonly kind: 'dir';
  readonly children: SourceEntry[];
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
