import type { PackEntry } from '../format/pack.js';
import type { ChunkerParams } from '../format/chunker.js';
import type { PackId } from '../core/ids.js';
import type { PackSlotPool } from './pack-slots.js';

/** Messages between the archiver (main thread) and its archive workers. */
export interface ArchiveWorkerData {
  readonly dataKey: Uint8Array;
  readonly blobIdKey: Uint8Array;
  readonly chunkerKey: Uint8Array;
  readonly chunker: ChunkerParams;
  readonly knownBlobs: SharedArrayBuffer;
  readonly packTargetBytes: number;
  /** The shared pack buffers (engine/pack-slots.ts). */
  readonly packSlots: PackSlotPool;
}

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
  | {
      readonly type: 'pack';
      readonly packId: PackId;
      /** The pack is the first `byteLength` bytes of this slot of the pool; free the slot once stored. */
      readonly slot: number;
      readonly byteLength: number;
      readonly entries: readonly PackEntry[];
    }
  | { readonly type: 'flushed' }
  | { readonly type: 'fatal'; readonly message: string };
