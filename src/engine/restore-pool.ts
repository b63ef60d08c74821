import { Worker } from 'node:worker_threads';
import { AmberError, isAmberError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-catalog.js';
import { objectKeys } from '../core/ids.js';
import type { FromRestoreWorker, RestoreFileTask, RestoreWorkerData, ToRestoreWorker } from './restore-protocol.js';
import type { Repository } from './repository.js';
import { WORKER_RESOURCE_LIMITS } from './worker-memory.js';

/**
 * Restores files on worker threads. They read packs themselves when the store keeps them as local
 * files; otherwise the main thread serves their reads from storage.
 */
export async function runRestorePool(
  repo: Repository,
  files: readonly RestoreFileTask[],
  options: { workerCount: number; asRoot: boolean; onProgress: (files: number, bytes: number) => void },
): Promise<void> {
  const shares = shareOut(files, Math.max(1, Math.min(options.workerCount, files.length)));
  const packFiles = localPackFiles(repo, files);
  const workers: Worker[] = [];
  const stop = new SharedArrayBuffer(4);
  try {
    const ends = shares.map(async (share) => {
      const worker = new Worker(new URL('./restore-worker.js', import.meta.url), {
        resourceLimits: WORKER_RESOURCE_LIMITS,
        workerData: {
          dataKey: repo.keys.dataKey,
          blobIdKey: repo.keys.blobIdKey,
          chunkerKey: repo.keys.chunkerKey,
          files: share,
          asRoot: options.asRoot,
          stop,
          ...(packFiles === undefined ? {} : { packFiles }),
        } satisfies RestoreWorkerData,
      });
      workers.push(worker);
      try {
        await serve(repo, worker, options.onProgress);
      } catch (error) {
        // The others stop at their next blob and remove the file they were writing.
        Atomics.store(new Int32Array(stop), 0, 1);
        throw error;
      }
    });
    const settled = Promise.allSettled(ends);
    try {
      await Promise.all(ends);
    } catch (error) {
      // Let the other workers stop cleanly (no half-written file left), but not wait forever.
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
      throw error;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** How long the other workers may take to stop after one failed. */
const STOP_WAIT_MS = 10_000;

function localPackFiles(repo: Repository, files: readonly RestoreFileTask[]): Record<string, string> | undefined {
  const { store } = repo;
  if (store.localFileOf === undefined) return undefined;
  const packFiles: Record<string, string> = {};
  for (const file of files) {
    for (const { packId } of file.blobs) packFiles[packId] ??= store.localFileOf(objectKeys.pack(packId));
  }
  return packFiles;
}

function serve(repo: Repository, worker: Worker, onProgress: (files: number, bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (message: FromRestoreWorker) => {
      switch (message.type) {
        case 'read': {
          const key = objectKeys.pack(message.packId);
          const read =
            message.length < 0 ? repo.store.get(key) : repo.store.getRange(key, message.offset, message.length);
          read.then(
            (bytes) => {
              const owned =
                bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
              worker.postMessage({ type: 'data', id: message.id, bytes: owned } satisfies ToRestoreWorker, [
                owned.buffer as ArrayBuffer,
              ]);
            },
            (error: unknown) => {
              const code = isAmberError(error) ? error.code : 'STORAGE_ERROR';
              worker.postMessage({
                type: 'readFailed',
                id: message.id,
                code,
                message: String((error as Error).message),
              });
            },
          );
          break;
        }
        case 'progress':
          onProgress(message.files, message.bytes);
          break;
        case 'done':
        case 'stopped':
          resolve();
          break;
        case 'failed':
          reject(new AmberError(message.code as ErrorCode, message.message, { details: message.details }));
          break;
      }
    });
  });
}

/**
 * Groups files by the pack that holds their first blob and deals the groups out by bytes: a backup
 * writes a directory's files into the same packs, so each worker mostly reads packs of its own.
 */
function shareOut(files: readonly RestoreFileTask[], count: number): RestoreFileTask[][] {
  const groups = new Map<string, RestoreFileTask[]>();
  for (const file of files) {
    const key = file.blobs[0]?.packId ?? '';
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(file);
  }
  const shares = Array.from({ length: count }, () => ({ files: [] as RestoreFileTask[], bytes: 0 }));
  for (const group of groups.values()) {
    const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.files.push(...group);
    for (const f of group) for (const b of f.blobs) least.bytes += b.entry.rawLength;
  }
  return shares.map((s) => s.files).filter((s) => s.length > 0);
}
