import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { BlobId, IndexId, PackId, PointId } from '../core/ids.js';
import { PACK_TARGET_BYTES } from '../format/pack.js';
import type { PutOptions } from '../storage/object-store.js';
import { planArchive, type ArchivePlan } from './archive-plan.js';
import { ArchiveWorkers, runArchivePool } from './archive-pool.js';
import type { FileJob } from './archive-protocol.js';
import { matchFilesCache, type CacheMatch } from './cache-match.js';
import type { ChunkTable } from './file-chunks.js';
import { FilesCache, type CacheEntry } from './files-cache.js';
import { PackUploader } from './pack-uploader.js';
import { racyCheck } from './racy-entry.js';
import type { Repository } from './repository.js';
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
  /**
   * What to read, when the caller planned it ahead (while the KDF ran) against an index: followed
   * when that index is the repository's, planned again otherwise.
   */
  readonly plan?: ArchivePlan;
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
  const chunkTables = new Map<SourceFile, ChunkTable>();
  /** The size each file was read at (a file taken from the cache has its walked size). */
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
  const plan =
    options.plan?.index === repo.index ? options.plan : planArchive(walk, match, options.filesCache, repo.index);
  const { jobs, jobFiles, cachedFiles, reusedTrees } = plan;
  const contents = new Map(cachedFiles);
  for (const file of cachedFiles.keys()) bytesDone += file.stat.size;
  filesDone = cachedFiles.size;
  const filesFromCache = cachedFiles.size;
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
      const pool = runArchivePool(orderForBalance(jobs), {
        workerCount: options.workerCount ?? os.availableParallelism(),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        workerData: {
          dataKey: repo.keys.dataKey,
          blobIdKey: repo.keys.blobIdKey,
          chunkerKey: repo.keys.chunkerKey,
          chunker: repo.header.chunker,
          knownBlobs: repo.index.knownBlobs(),
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
      sizeBytes: committedFiles.reduce((sum, f) => sum + (sizes.get(f) ?? f.stat.size), 0),
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
function orderForBalance(jobs: FileJob[]): FileJob[] {
  const big = jobs.filter((j) => j.sizeBytes >= 8 * 1024 * 1024).sort((a, b) => b.sizeBytes - a.sizeBytes);
  return [...big, ...jobs.filter((j) => j.sizeBytes < 8 * 1024 * 1024)];
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

/** The packs and index segments a point of these contents and trees needs, and how many blobs it has. */
function referencedObjects(
  repo: Repository,
  contents: Iterable<readonly BlobId[]>,
  treeIds: Iterable<BlobId>,
): { packIds: PackId[]; indexIds: IndexId[]; blobs: number } {
  const { packIds, blobs } = repo.index.packsOf([...contents, treeIds]);
  const indexIds = new Set<IndexId>();
  for (const packId of packIds) {
    const indexId = repo.index.segmentOfPack(packId);
    if (indexId !== undefined) indexIds.add(indexId);
  }
  return { packIds, indexIds: [...indexIds].sort(), blobs };
}
