import type { BlobId } from '../core/ids.js';
import type { FilesCache } from './files-cache.js';
import type { SourceDir, SourceEntry, SourceFile, WalkResult } from './source-tree.js';

/** What the files cache says of a walked source, before any of it is read. */
export interface CacheMatch {
  /** Files whose lstat facts match the cache, with the content they were stored as. */
  readonly files: ReadonlyMap<SourceFile, readonly BlobId[]>;
  /** Symlinks and FIFOs whose lstat facts match the cache. */
  readonly leaves: ReadonlySet<SourceEntry>;
  /**
   * Complete directories whose own facts match and whose every entry matches too (recursively),
   * with the tree id they were stored as: the same listing, names, modes, owners, times and
   * contents, so the same tree.
   */
  readonly trees: ReadonlyMap<SourceDir, BlobId>;
}

/**
 * Matches a walk against the files cache. It needs no key and reads nothing but the cache, so a
 * backup runs it while the passphrase KDF is still on the thread pool. What it finds is a claim the
 * archiver checks against the vault's index before trusting it (a pruned vault may lack a blob).
 *
 * Why a directory's facts prove its listing: creating, removing or renaming an entry changes the
 * directory's mtime and ctime, and ctime cannot be set back; a changed entry is caught by its own
 * facts (a chmod or chown changes its ctime).
 */
export function matchFilesCache(walk: WalkResult, cache: FilesCache): CacheMatch {
  const files = new Map<SourceFile, readonly BlobId[]>();
  const leaves = new Set<SourceEntry>();
  const trees = new Map<SourceDir, BlobId>();
  if (cache.size === 0) return { files, leaves, trees };

  const matchDir = (dir: SourceDir): boolean => {
    let same = dir.complete;
    for (const child of dir.children) {
      if (child.kind === 'dir') {
        if (!matchDir(child)) same = false;
        continue;
      }
      const ids = cache.lookup(child.path, child.kind, child.stat);
      if (ids === undefined) same = false;
      else if (child.kind === 'file') files.set(child, ids);
      else leaves.add(child);
    }
    if (!same) return false;
    const tree = cache.lookup(dir.path, 'dir', dir.stat);
    if (tree?.length !== 1) return false;
    trees.set(dir, tree[0] as BlobId);
    return true;
  };
  matchDir(walk.root);
  return { files, leaves, trees };
}
