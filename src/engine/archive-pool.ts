import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { AmberError, asError } from '../core/errors.js';
import { BlobClaims } from './blob-claims.js';
import type { ArchiveWorkerData, FileJob, FileResult, FromWorker, ToWorker } from './archive-protocol.js';
import type { PackUploader } from './pack-uploader.js';
import { createStagingTokens, giveBackStagingToken } from './staging-tokens.js';
import { WORKER_RESOURCE_LIMITS } from './worker-memory.js';

const BATCH_MAX_FILES = 64;
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
const MAX_BATCHES_PER_WORKER = 2;

interface WorkerSlot {
  readonly worker: Worker;
  outstanding: number;
  flushed?: () => void;
}

/**
 * Runs file jobs on archive worker threads: batches small files into one message, keeps each worker
 * at most two batches ahead, hands finished packs to the uploader (whose backpressure pauses
 * dispatch), and collects one result per job.
 */
export async function runArchivePool(
  jobs: readonly FileJob[],
  options: {
    readonly workerCount: number;
    readonly workerData: Omit<ArchiveWorkerData, 'stagingTokens' | 'blobClaims'>;
    /** Workers started ahead (see ArchiveWorkers); more are started when they are too few. */
    readonly workers?: ArchiveWorkers;
    readonly uploader: PackUploader;
    readonly onResult: (result: FileResult) => void;
  },
): Promise<void> {
  const batches = toBatches(jobs);
  const count = Math.max(1, Math.min(options.workerCount, batches.length));
  const slots: WorkerSlot[] = [];
  // Each worker holds the token of the pack it writes; as many more let finished packs be stored meanwhile.
  const stagingTokens = createStagingTokens(2 * count);
  const blobClaims = BlobClaims.create(mostNewBlobs(jobs, options.workerData.chunker.minSizeBytes));
  let nextBatch = 0;
  let failure: unknown;
  // Packs arrive in order on each port; one chain keeps accounting simple and applies backpressure.
  let packChain = Promise.resolve();

  await new Promise<void>((resolve, reject) => {
    let doneBatches = 0;
    const fail = (error: unknown): void => {
      failure ??= error;
      reject(asError(error));
    };
    const dispatch = (slot: WorkerSlot): void => {
      while (failure === undefined && slot.outstanding < MAX_BATCHES_PER_WORKER && nextBatch < batches.length) {
        const message: ToWorker = { type: 'files', jobs: batches[nextBatch++] as FileJob[] };
        slot.outstanding++;
        slot.worker.postMessage(message);
      }
    };
    for (let i = 0; i < count; i++) {
      const worker = options.workers?.take() ?? spawnArchiveWorker();
      worker.postMessage({
        type: 'init',
        data: { ...options.workerData, stagingTokens, blobClaims },
      } satisfies ToWorker);
      const slot: WorkerSlot = { worker, outstanding: 0 };
      slots.push(slot);
      worker.on('error', fail);
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'pack') {
          const staged = { file: message.file, byteLength: message.byteLength };
          let released = false;
          const release = (): void => {
            if (released) return;
            released = true;
            giveBackStagingToken(stagingTokens);
          };
          packChain = packChain
            .then(() => options.uploader.add(message.packId, staged, message.entries, release))
            .catch((error: unknown) => {
              // Refused before its upload began (an earlier one failed): the token is free again, or a
              // worker waiting for one (e.g. while flushing its last pack) would wait forever.
              release();
              void rm(staged.file, { force: true });
              fail(error);
            });
        } else if (message.type === 'files') {
          for (const result of message.results) options.onResult(result);
          slot.outstanding--;
          doneBatches++;
          // Wait for pending pack hand-offs before taking more work: bounded memory.
          void packChain.then(() => {
            if (doneBatches === batches.length) resolve();
            else dispatch(slot);
          });
        } else if (message.type === 'flushed') {
          void packChain.then(() => slot.flushed?.());
        } else {
          fail(
            message.code === 'INTERNAL'
              ? new AmberError('INTERNAL', `An archive worker failed: ${message.message}`)
              : new AmberError(message.code, message.message),
          );
        }
      });
      dispatch(slot);
    }
    if (batches.length === 0) resolve();
  }).catch(async (error: unknown) => {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  });

  // Every job is done: ask each worker for its last partial pack, then stop it.
  await Promise.all(
    slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          slot.flushed = resolve;
          slot.worker.postMessage({ type: 'flush' } satisfies ToWorker);
        }),
    ),
  );
  await Promise.all(slots.map((s) => s.worker.terminate()));
  await packChain;
  if (failure !== undefined) throw asError(failure);
}

function spawnArchiveWorker(): Worker {
  return new Worker(new URL('./archive-worker.js', import.meta.url), { resourceLimits: WORKER_RESOURCE_LIMITS });
}

/**
 * Archive worker threads started before their work is known (while the passphrase KDF runs): each
 * loads its code meanwhile and waits for its keys. Until taken they do not keep the process alive,
 * and one that failed to start is simply not handed out. `close` stops those not taken.
 */
export class ArchiveWorkers {
  readonly #idle: Worker[] = [];

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = spawnArchiveWorker();
      worker.unref();
      worker.once('error', () => {
        const at = this.#idle.indexOf(worker);
        if (at >= 0) this.#idle.splice(at, 1);
      });
      this.#idle.push(worker);
    }
  }

  take(): Worker | undefined {
    const worker = this.#idle.shift();
    worker?.ref();
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all(this.#idle.splice(0).map((w) => w.terminate()));
  }
}

/** The most chunks the jobs' files can be cut into (at their walked sizes): one per file, one more per minimum chunk. */
function mostNewBlobs(jobs: readonly FileJob[], minChunkBytes: number): number {
  let blobs = 0;
  for (const job of jobs) blobs += 1 + Math.floor(job.sizeBytes / minChunkBytes);
  return blobs;
}

function toBatches(jobs: readonly FileJob[]): FileJob[][] {
  const batches: FileJob[][] = [];
  let current: FileJob[] = [];
  let currentBytes = 0;
  for (const job of jobs) {
    if (current.length > 0 && (current.length >= BATCH_MAX_FILES || currentBytes + job.sizeBytes > BATCH_MAX_BYTES)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(job);
    currentBytes += job.sizeBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
