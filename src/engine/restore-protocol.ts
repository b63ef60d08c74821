import type { PackId } from '../core/ids.js';
import type { PackEntry } from '../format/pack.js';

/** Messages between the restorer (main thread, which reads storage) and its restore workers. */
export interface RestoreFileTask {
  /** Absolute path to create (already checked to lie inside the target). */
  readonly path: string;
  readonly blobs: readonly { readonly packId: PackId; readonly entry: PackEntry }[];
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: string;
}

export interface RestoreWorkerData {
  readonly dataKey: Uint8Array;
  readonly blobIdKey: Uint8Array;
  readonly chunkerKey: Uint8Array;
  readonly files: readonly RestoreFileTask[];
  readonly asRoot: boolean;
  /**
   * The local file of every pack the files need, when the store keeps packs as local files: the
   * worker then reads them itself into one reused buffer. Otherwise it asks the main thread.
   */
  readonly packFiles?: Readonly<Record<string, string>>;
  /** One Int32 cell, set by the main thread when another worker failed: stop at the next blob. */
  readonly stop: SharedArrayBuffer;
}

/** A read of `length` bytes at `offset` of a pack; length -1 means the whole pack. */
export interface PackReadRequest {
  readonly type: 'read';
  readonly id: number;
  readonly packId: PackId;
  readonly offset: number;
  readonly length: number;
}

export type FromRestoreWorker =
  | PackReadRequest
  | { readonly type: 'progress'; readonly files: number; readonly bytes: number }
  | { readonly type: 'done' }
  /** Stopped on request, the file it was writing removed. */
  | { readonly type: 'stopped' }
  | {
      readonly type: 'failed';
      readonly code: string;
      readonly message: string;
      readonly details: Record<string, unknown>;
    };

export type ToRestoreWorker =
  | { readonly type: 'data'; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: 'readFailed'; readonly id: number; readonly code: string; readonly message: string };
