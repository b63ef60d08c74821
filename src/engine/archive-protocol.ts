import type { PackEntry } from '../format/pack.js';
import type { ChunkerParams } from '../format/chunker.js';
import type { PackId } from '../core/ids.js';

/** Messages between the archiver (main thread) and its archive workers. */
export interface ArchiveWorkerData {
  readonly dataKey: Uint8Array;
  readonly blobIdKey: Uint8Array;
  readonly chunkerKey: Uint8Array;
  readonly chunker: ChunkerParams;
  readonly knownBlobs: SharedArrayBuffer;
  readonly packTargetBytes: number;
  /**
   * One Int32: packs this worker has posted that the main thread has not yet accepted. The worker
   * waits (Atomics.wait) while it is at MAX_UNACCEPTED_PACKS, so memory stays bounded when storage
   * is slower than the workers.
   */
  readonly unacceptedPacks: SharedArrayBuffer;
}

export const MAX_UNACCEPTED_PACKS = 1;

export interface FileJob {
  readonly id: number;
  readonly path: string;
}

export type ToWorker = { readonly type: 'files'; readonly jobs: readonly FileJob[] } | { readonly type: 'flush' };

export interface FileResult {
  readonly id: number;
  readonly content: readonly string[];
  readonly sizeBytes: number;
  readonly error?: string;
}

export type FromWorker =
  | { readonly type: 'files'; readonly results: readonly FileResult[] }
  | { readonly type: 'pack'; readonly packId: PackId; readonly bytes: Uint8Array; readonly entries: readonly PackEntry[] }
  | { readonly type: 'flushed' }
  | { readonly type: 'fatal'; readonly message: string };
