import type { BlobId } from '../core/ids.js';
import type { FileJob } from './archive-protocol.js';
import type { BlobIndex } from './blob-index.js';
import type { CacheMatch } from './cache-match.js';
import type { PreviousChunks } from './file-chunks.js';
import type { FilesCache } from './files-cache.js';
import type { SourceDir, SourceFile, WalkResult } from './source-tree.js';

/**
 * Changed files this large are first checked against their previous chunks (see chunkFile), and
 * files this large get a chunk table in the files cache.
 */
export const PREVIOUS_CHUNKS_MIN_BYTES = 4 * 1024 * 1024;

/** What a backup will read and what it takes from the files cache, decided against one index. */
export interface ArchivePlan {
  /** The index the plan was checked against: archive follows the plan only when the repository has this one. */
  readonly index: BlobIndex;
  /** Files to read, in walk order; a job's id is its place here. */
  readonly jobs: FileJob[];
  readonly jobFiles: SourceFile[];
  /** Files taken from the cache as they are, with the content they were stored as. */
  readonly cachedFiles: ReadonlyMap<SourceFile, readonly BlobId[]>;
  /** Directories whose cached tree stands (see reusableTrees). */
  readonly reusedTrees: ReadonlyMap<SourceDir, BlobId>;
}

/**
 * Decides what a backup reads: a file the files cache matched is taken as it was stored when every
 * blob of it is still in the index; every other file becomes a job (a large one with its previous
 * chunks, so that its unchanged stretches are recognised). Needs no key: a backup plans while the
 * passphrase KDF runs when it has the index by then (a local snapshot, index-snapshot.ts).
 */
export function planArchive(
  walk: WalkResult,
  match: CacheMatch,
  filesCache: FilesCache,
  index: BlobIndex,
): ArchivePlan {
  const jobs: FileJob[] = [];
  const jobFiles: SourceFile[] = [];
  const cachedFiles = new Map<SourceFile, readonly BlobId[]>();
  for (const file of walk.files) {
    const cached = match.files.get(file);
    if (cached !== undefined && cached.every((id) => index.has(id))) {
      cachedFiles.set(file, cached);
    } else {
      const large = file.stat.size >= PREVIOUS_CHUNKS_MIN_BYTES;
      const previous = large ? previousChunks(index, filesCache, file) : undefined;
      jobs.push({
        id: jobFiles.length,
        path: file.path,
        sizeBytes: file.stat.size,
        ...(previous && { previous }),
        ...(large && { chunkTable: true }),
      });
      jobFiles.push(file);
    }
  }
  return { index, jobs, jobFiles, cachedFiles, reusedTrees: reusableTrees(walk.root, match, cachedFiles, index) };
}

/**
 * The chunks a changed file had in the last backup: with their lengths and fingerprints from the
 * cache's chunk table, else with their lengths from the index (when it knows them all).
 */
function previousChunks(index: BlobIndex, cache: FilesCache, file: SourceFile): PreviousChunks | undefined {
  const previous = cache.previousContent(file.path);
  if (previous === undefined || previous.ids.length < 2) return undefined;
  const { ids, table } = previous;
  if (table !== undefined) return { ids, lengths: table.lengths, fingerprints: table.fingerprints };
  const lengths: number[] = [];
  for (const id of ids) {
    const location = index.get(id);
    if (location === undefined) return undefined;
    lengths.push(location.entry.rawLength);
  }
  return { ids, lengths };
}

/**
 * The directories whose cached tree can stand: the cache matched them, every file below them came
 * from the cache (its blobs are in the vault), and the tree itself is still in the vault's index.
 */
function reusableTrees(
  root: SourceDir,
  match: CacheMatch,
  cachedFiles: ReadonlyMap<SourceFile, readonly BlobId[]>,
  index: BlobIndex,
): Map<SourceDir, BlobId> {
  const reusable = new Map<SourceDir, BlobId>();
  const visit = (dir: SourceDir): boolean => {
    let below = true;
    for (const child of dir.children) {
      if (child.kind === 'dir') below = visit(child) && below;
      else if (child.kind === 'file' && !cachedFiles.has(child)) below = false;
    }
    const tree = match.trees.get(dir);
    if (!below || tree === undefined || !index.has(tree)) return false;
    reusable.set(dir, tree);
    return true;
  };
  visit(root);
  return reusable;
}
