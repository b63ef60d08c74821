import type { PackEntry } from '../format/pack.js';
import type { ChunkerParams } from '../format/chunker.js';
import type { PackId } from '../core/ids.js';
import type { ChunkTable, PreviousChunks } from './file-chunks.js';
import type { StagingTokens } from './staging-tokens.js';

/** Messages between the archiver (main thread) and its archive workers. */
export interface ArchiveWorkerData {
  readonly dataKey: Uint8Array;
  readonly blobIdKey: Uint8Array;
  readonly chunkerKey: Uint8Array;
  readonly chunker: ChunkerParams;
  readonly knownBlobs: SharedArrayBuffer;
  readonly packTargetBytes: number;
  /** Where workers write their packs as files (the store's staging directory, or a temporary one). */
  readonly stagingDir: string;
  /** Bounds the packs staged but not yet stored (engine/staging-tokens.ts). */
  readonly stagingTokens: StagingTokens;
  /** Which worker stores each new blob (engine/blob-claims.ts). */
  readonly blobClaims: SharedArrayBuffer;
}

export interface FileJob {
  readonly id: number;
  readonly path: string;
  /** The size the walk found (how to read the file depends on it; the file is read to its end whatever it is now). */
  readonly sizeBytes: number;
  /** How the file was chunked in the item's last backup (large changed files): see chunkFile. */
  readonly previous?: PreviousChunks;
  /** Return the chunk table (lengths and fingerprints) for the files cache: set for large files. */
  readonly chunkTable?: true;
}

export type ToWorker =
  | { readonly type: 'init'; readonly data: ArchiveWorkerData }
  | { readonly type: 'files'; readonly jobs: readonly FileJob[] }
  | { readonly type: 'flush' };

export interface FileResult {
  readonly id: number;
  readonly content: readonly string[];
  readonly sizeBytes: number;
  /** When the job asked for it and the file was read whole. */
  readonly chunkTable?: ChunkTable;
  readonly error?: string;
}

export type FromWorker =
  | { readonly type: 'files'; readonly results: readonly FileResult[] }
  | {
      readonly type: 'pack';
      readonly packId: PackId;
      /** The finished pack, a file in the staging directory; its token is given back once it is stored. */
      readonly file: string;
      readonly byteLength: number;
      readonly entries: readonly PackEntry[];
    }
  | { readonly type: 'flushed' }
  | {
      readonly type: 'fatal';
      /** STORAGE_ERROR when writing a staged pack failed (e.g. the disk is full), else INTERNAL. */
      readonly code: 'STORAGE_ERROR' | 'INTERNAL';
      readonly message: string;
    };
