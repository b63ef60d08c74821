import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { BlobId, IndexId, PackId, PointId } from '../core/ids.js';
import { PACK_TARGET_BYTES } from '../format/pack.js';
import type { PutOptions } from '../storage/object-store.js';
import { ArchiveWorkers, runArchivePool, type PoolJob } from './archive-pool.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import { matchFilesCache, type CacheMatch } from './cache-match.js';
import type { ChunkTable, PreviousChunks } from './file-chunks.js';
import { FilesCache, type CacheEntry } from './files-cache.js';
import { PackUploader } from './pack-uploader.js';
import { racyCheck } from './racy-entry.js';
import type { Repository } from './repository.js';
import type { BlobIndex } from './blob-index.js';
import type { EntryStat, SourceDir, SourceEntry, SourceFile, WalkResult, WalkWarning } from './source-tree.js';
import { TreeBuilder } from './tree-builder.js';

export interface ArchiveProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly elapsedMs: number;
}

export interface ArchiveOptions {
  readonly clock: Clock;
  readonly filesCache: FilesCache;
  /** `matchFilesCache(walk, filesCache)`, when the caller ran it already (while the KDF ran). */
  readonly cacheMatch?: CacheMatch;
  /** Workers the caller started ahead (while the KDF ran); archive uses them and stops the rest. */
  readonly workers?: ArchiveWorkers;
  readonly workerCount?: number;
  /** Storage lock and hold for every object the backup writes (none when immutability is off). */
  readonly putOptions?: PutOptions;
  readonly onProgress?: (progress: ArchiveProgress) => void;
}

export interface ArchiveResult {
  readonly root: BlobId;
  readonly indexIds: IndexId[];
  readonly packIds: PackId[];
  readonly stats: {
    readonly files: number;
    readonly dirs: number;
    readonly sizeBytes: number;
    readonly addedBytes: number;
    readonly addedStoredBytes: number;
    readonly blobs: number;
    readonly newBlobs: number;
    readonly filesFromCache: number;
  };
  readonly warnings: WalkWarning[];
  /** Records the files of this backup in the files cache; call only after the point is committed. */
  readonly saveFilesCache: (pointId: PointId) => Promise<void>;
}

/**
 * Turns a walked source into stored data: unchanged files (by the files cache) are not read again;
 * the rest are chunked, deduplicated, compressed, encrypted and packed on worker threads; then the
 * directory trees and one index segment are stored. Nothing is visible as a recovery point until the
 * caller commits a manifest naming the returned root — a crash before that leaves only unreferenced
 * packs, never a half point.
 */
export async function archive(repo: Repository, walk: WalkResult, options: ArchiveOptions): Promise<ArchiveResult> {
  const startedMs = options.clock.monotonicMs();
  const startedAtNs = BigInt(options.clock.nowMs()) * 1_000_000n;
  const contents = new Map<SourceFile, readonly BlobId[]>();
  const chunkTables = new Map<SourceFile, ChunkTable>();
  const sizes = new Map<SourceFile, number>();
  const warnings = [...walk.warnings];
  let filesDone = 0;
  let bytesDone = 0;
  const progress = (): void =>
    options.onProgress?.({
      filesDone,
      filesTotal: walk.files.length,
      bytesDone,
      bytesTotal: walk.totalBytes,
      elapsedMs: options.clock.monotonicMs() - startedMs,
    });

  const match = options.cacheMatch ?? matchFilesCache(walk, options.filesCache);
  const jobs: PoolJob[] = [];
  const jobFiles: SourceFile[] = [];
  const cachedFiles = new Set<SourceFile>();
  for (const file of walk.files) {
    const cached = match.files.get(file);
    if (cached !== undefined && cached.every((id) => repo.index.has(id))) {
      contents.set(file, cached);
      sizes.set(file, file.stat.size);
      cachedFiles.add(file);
      filesDone++;
      bytesDone += file.stat.size;
    } else {
      const large = file.stat.size >= PREVIOUS_CHUNKS_MIN_BYTES;
      const previous = large ? previousChunks(repo, options.filesCache, file) : undefined;
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
  const filesFromCache = cachedFiles.size;
  const reusedTrees = reusableTrees(walk.root, match, cachedFiles, repo.index);
  progress();

  const uploader = new PackUploader(repo, {
    nowMs: () => options.clock.nowMs(),
    ...(options.putOptions === undefined ? {} : { putOptions: options.putOptions }),
  });
  const trees = new TreeBuilder(repo, uploader, contents, sizes, reusedTrees);
  // Workers write packs as files: in the store's own staging directory when it has one (storing a
  // pack is then a link), else in a temporary directory of this host, removed once all are stored.
  const ownStaging =
    jobs.length > 0 && repo.store.stagingDir === undefined
      ? await mkdtemp(path.join(os.tmpdir(), 'amber-packs-'))
      : undefined;
  let root: BlobId;
  try {
    if (jobs.length > 0) {
      // While the workers read, the main thread builds the trees of directories with nothing (left) to read.
      const ahead = trees.buildAhead(walk.root, new Set(jobFiles));
      const known = SharedBlobIdSet.build(repo.index.blobIds(), repo.index.blobCount);
      const pool = runArchivePool(orderForBalance(jobs), {
        workerCount: options.workerCount ?? os.availableParallelism(),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        workerData: {
          dataKey: repo.keys.dataKey,
          blobIdKey: repo.keys.blobIdKey,
          chunkerKey: repo.keys.chunkerKey,
          chunker: repo.header.chunker,
          knownBlobs: known.buffer,
          packTargetBytes: PACK_TARGET_BYTES,
          stagingDir: ownStaging ?? (repo.store.stagingDir as string),
        },
        uploader,
        onResult: (result) => {
          const file = jobFiles[result.id] as SourceFile;
          filesDone++;
          bytesDone += file.stat.size;
          if (result.error !== undefined) {
            warnings.push({ path: file.path, message: `not backed up: ${result.error}` });
          } else {
            contents.set(file, result.content as BlobId[]);
            sizes.set(file, result.sizeBytes);
            if (result.chunkTable !== undefined) chunkTables.set(file, result.chunkTable);
          }
          ahead.fileDone(file);
          progress();
        },
      });
      await Promise.all([pool, ahead.settled()]);
    }

    root = await trees.build(walk.root);
    await trees.flush();
    await uploader.drain();
  } catch (error) {
    // Let uploads already begun end before the staging directory goes.
    await uploader.drain().catch(() => undefined);
    throw error;
  } finally {
    await options.workers?.close();
    if (ownStaging !== undefined) await rm(ownStaging, { recursive: true, force: true });
  }

  const unindexed = uploader.takeUnindexed();
  if (unindexed.length > 0) {
    await repo.putIndexSegment(
      { createdAt: options.clock.nowMs(), packs: unindexed, supersedes: [] },
      options.putOptions,
    );
  }
  const { packIds, indexIds, blobs } = referencedObjects(repo, contents.values(), trees.treeIds);

  const committedFiles = walk.files.filter((f) => contents.has(f));
  return {
    root,
    indexIds,
    packIds,
    warnings,
    stats: {
      files: committedFiles.length,
      dirs: walk.dirCount,
      sizeBytes: committedFiles.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0),
      addedBytes: uploader.addedRawBytes,
      addedStoredBytes: uploader.addedStoredBytes,
      blobs,
      newBlobs: uploader.newBlobs,
      filesFromCache,
    },
    saveFilesCache: async (pointId) => {
      const { entries, unchanged } = cacheEntries(walk.root, {
        contents,
        chunkTables,
        treeIdOf: (dir) => trees.treeIdOf(dir),
        hit: (entry) =>
          entry.kind === 'dir'
            ? reusedTrees.has(entry)
            : entry.kind === 'file'
              ? cachedFiles.has(entry)
              : match.leaves.has(entry),
        isRacy: racyCheck(startedAtNs),
      });
      // Everything was a hit and nothing is gone: the cache already says exactly this.
      if (unchanged && entries.length === options.filesCache.size) return;
      await FilesCache.save(options.filesCache, pointId, entries);
    },
  };
}

/**
 * Starts the archive workers a backup will need — none when the files cache matched every file — so
 * that they load while the passphrase KDF still runs. Pass them to `archive`, which stops those it
 * does not use; a caller that fails before archiving stops them with `close`.
 */
export function startArchiveWorkers(
  walk: WalkResult,
  match: CacheMatch,
  workerCount?: number,
): ArchiveWorkers | undefined {
  const unmatched = walk.files.length - match.files.size;
  if (unmatched <= 0) return undefined;
  return new ArchiveWorkers(Math.min(unmatched, workerCount ?? os.availableParallelism()));
}

/** Big files first (longest-processing-time scheduling keeps both cores busy to the end). */
function orderForBalance(jobs: PoolJob[]): PoolJob[] {
  const big = jobs.filter((j) => j.sizeBytes >= 8 * 1024 * 1024).sort((a, b) => b.sizeBytes - a.sizeBytes);
  return [...big, ...jobs.filter((j) => j.sizeBytes < 8 * 1024 * 1024)];
}

/**
 * The directories whose cached tree can stand: the cache matched them, every file below them came
 * from the cache (its blobs are in the vault), and the tree itself is still in the vault's index.
 */
function reusableTrees(
  root: SourceDir,
  match: CacheMatch,
  cachedFiles: ReadonlySet<SourceFile>,
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

interface CacheEntrySources {
  readonly contents: ReadonlyMap<SourceFile, readonly BlobId[]>;
  readonly chunkTables: ReadonlyMap<SourceFile, ChunkTable>;
  readonly treeIdOf: (dir: SourceDir) => BlobId | undefined;
  /** Whether the entry came from the cache unchanged. */
  readonly hit: (entry: SourceEntry) => boolean;
  readonly isRacy: (stat: EntryStat) => boolean;
}

/**
 * The cache entries of a committed backup: every stored file, symlink and FIFO whose facts are not
 * racy, and every complete directory whose entries were all recorded (so that a later match of the
 * directory proves its whole tree). `unchanged`: each of them was a cache hit.
 */
function cacheEntries(root: SourceDir, from: CacheEntrySources): { entries: CacheEntry[]; unchanged: boolean } {
  const entries: CacheEntry[] = [];
  let unchanged = true;
  const record = (entry: CacheEntry): void => {
    entries.push(entry);
    if (!entry.hit) unchanged = false;
  };
  const visit = (dir: SourceDir): boolean => {
    let whole = dir.complete;
    for (const child of dir.children) {
      if (child.kind === 'dir') {
        whole = visit(child) && whole;
        continue;
      }
      const content = child.kind === 'file' ? from.contents.get(child) : [];
      if (content === undefined || from.isRacy(child.stat)) {
        whole = false;
        continue;
      }
      const chunks = child.kind === 'file' ? from.chunkTables.get(child) : undefined;
      record({
        path: child.path,
        kind: child.kind,
        stat: child.stat,
        ids: content,
        hit: from.hit(child),
        ...(chunks && { chunks }),
      });
    }
    const tree = from.treeIdOf(dir);
    if (!whole || tree === undefined || from.isRacy(dir.stat)) return false;
    record({ path: dir.path, kind: 'dir', stat: dir.stat, ids: [tree], hit: from.hit(dir) });
    return true;
  };
  visit(root);
  return { entries, unchanged };
}

/**
 * Changed files this large are first checked against their previous chunks (see chunkFile), and
 * files this large get a chunk table in the files cache.
 */
const PREVIOUS_CHUNKS_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The chunks a changed file had in the last backup: with their lengths and fingerprints from the
 * cache's chunk table, else with their lengths from the index (when it knows them all).
 */
function previousChunks(repo: Repository, cache: FilesCache, file: SourceFile): PreviousChunks | undefined {
  const previous = cache.previousContent(file.path);
  if (previous === undefined || previous.ids.length < 2) return undefined;
  const { ids, table } = previous;
  if (table !== undefined) return { ids, lengths: table.lengths, fingerprints: table.fingerprints };
  const lengths: number[] = [];
  for (const id of ids) {
    const location = repo.index.get(id);
    if (location === undefined) return undefined;
    lengths.push(location.entry.rawLength);
  }
  return { ids, lengths };
}

function referencedObjects(
  repo: Repository,
  contents: Iterable<readonly BlobId[]>,
  treeIds: Iterable<BlobId>,
): { packIds: PackId[]; indexIds: IndexId[]; blobs: number } {
  const packs = new Set<PackId>();
  const blobs = new Set<BlobId>();
  const note = (id: BlobId): void => {
    if (blobs.has(id)) return;
    blobs.add(id);
    const location = repo.index.get(id);
    if (location !== undefined) packs.add(location.packId);
  };
  for (const content of contents) for (const id of content) note(id);
  for (const id of treeIds) note(id);
  const indexIds = new Set<IndexId>();
  for (const packId of packs) {
    const indexId = repo.index.segmentOfPack(packId);
    if (indexId !== undefined) indexIds.add(indexId);
  }
  return { packIds: [...packs].sort(), indexIds: [...indexIds].sort(), blobs: blobs.size };
}
