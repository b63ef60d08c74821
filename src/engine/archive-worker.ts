import { closeSync, constants, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Chunker, gearTable } from '../format/chunker.js';
import { computeBlobId } from '../format/blob-id.js';
import type { VaultKeys } from '../format/vault-keys.js';
import type { BlobId } from '../core/ids.js';
import { BlobClaims } from './blob-claims.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import { createFingerprinter } from './chunk-fingerprint.js';
import { chunkFile, type ChunkHashes } from './file-chunks.js';
import { fileReader } from './file-reader.js';
import type { ArchiveWorkerData, FileJob, FileResult, FromWorker, ToWorker } from './archive-protocol.js';
import { StagedPack, StagingError } from './staged-pack.js';
import { takeStagingToken } from './staging-tokens.js';
import { bufferCollector } from './worker-memory.js';

/**
 * An archive worker: reads files, cuts them into chunks, skips chunks the vault already has, and
 * compresses, encrypts and packs the rest. Finished packs go to the main thread, which stores them.
 * It may be started before the vault is unlocked (its code loads meanwhile): the keys and the rest
 * of its work's data come in the first message.
 */
const port = parentPort;
if (port === null) throw new Error('archive-worker must run in a worker thread');
const post = (message: FromWorker): void => port.postMessage(message);

function openForRead(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOATIME);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return openSync(path, constants.O_RDONLY);
  }
}

/** The worker's state and work, once it has its data: returns the handler of the messages that follow. */
function start(data: ArchiveWorkerData): (message: Exclude<ToWorker, { type: 'init' }>) => void {
  const keys: VaultKeys = {
    dataKey: Buffer.from(data.dataKey),
    blobIdKey: Buffer.from(data.blobIdKey),
    chunkerKey: Buffer.from(data.chunkerKey),
  };
  const chunker = new Chunker(data.chunker, gearTable(keys.chunkerKey));
  const hashes: ChunkHashes = { idOf: (chunk) => computeBlobId(keys.blobIdKey, chunk) };
  const fingerprintOf = createFingerprinter(keys.chunkerKey);
  // Large files get a chunk table for the files cache (when fingerprints can be made here).
  const fingerprinting: ChunkHashes | undefined = fingerprintOf && { ...hashes, fingerprintOf };
  const known = SharedBlobIdSet.attach(data.knownBlobs);
  const written = new Set<string>();
  const claims = BlobClaims.attach(data.blobClaims);
  const collected = bufferCollector(4 * 1024 * 1024);
  /** Room for the largest chunk plus 1 MiB, so refills are large reads. */
  const buffer = Buffer.allocUnsafe(data.chunker.maxSizeBytes + 1024 * 1024);

  /** Pack bytes collect here on their way to the pack's file (records arrive in 64 KiB pieces). */
  const writeBuffer = Buffer.allocUnsafe(1024 * 1024);
  /** The pack being written, opened when its first blob comes. */
  let staged: StagedPack | undefined;

  function stagedPack(): StagedPack {
    if (staged === undefined) {
      takeStagingToken(data.stagingTokens);
      staged = new StagedPack(data.stagingDir, keys, writeBuffer);
    }
    return staged;
  }

  /** Drops the pack being written (after a failure): its file must not stay behind. */
  function dropStagedPack(): void {
    const dropping = staged;
    staged = undefined;
    dropping?.drop();
  }

  function flushPack(): void {
    if (staged === undefined) return;
    // On failure `staged` still names the file: the failure handler drops it.
    const { packId, byteLength, entries } = staged.finish();
    const { file } = staged;
    staged = undefined;
    post({ type: 'pack', packId, file, byteLength, entries });
  }

  function storeChunk(chunk: Uint8Array, id: BlobId): BlobId {
    // Stored already, by this worker, or (claimed first) by another one: only named here.
    if (written.has(id) || known.has(id) || !claims.claim(id)) return id;
    // A stored payload is never larger than the chunk, so the chunk's size is a safe bound.
    if (staged !== undefined && (staged.full || staged.byteLength + chunk.length > data.packTargetBytes)) flushPack();
    stagedPack().add(id, chunk);
    written.add(id);
    collected(chunk.length);
    return id;
  }

  function archiveFile(job: FileJob): FileResult {
    const content: BlobId[] = [];
    const jobHashes = job.chunkTable === true ? fingerprinting : undefined;
    const table = jobHashes && { lengths: [] as number[], fingerprints: [] as string[] };
    let sizeBytes = 0;
    let fd: number;
    try {
      fd = openForRead(job.path);
    } catch (error) {
      return { id: job.id, content, sizeBytes, error: (error as Error).message };
    }
    const reader = fileReader(fd, job.sizeBytes);
    try {
      sizeBytes = chunkFile(
        reader.read,
        buffer,
        chunker,
        jobHashes ?? hashes,
        job.previous,
        (chunk, id, fingerprint) => {
          content.push(storeChunk(chunk, id as BlobId));
          if (table !== undefined) {
            table.lengths.push(chunk.length);
            table.fingerprints.push(fingerprint as string);
          }
        },
      );
      return { id: job.id, content, sizeBytes, ...(table && { chunkTable: table }) };
    } catch (error) {
      if (error instanceof StagingError) throw error;
      return { id: job.id, content, sizeBytes, error: (error as Error).message };
    } finally {
      reader.done();
      closeSync(fd);
    }
  }

  return (message) => {
    try {
      if (message.type === 'files') {
        post({ type: 'files', results: message.jobs.map(archiveFile) });
      } else {
        flushPack();
        post({ type: 'flushed' });
      }
    } catch (error) {
      try {
        dropStagedPack();
      } catch {
        // the staging directory's own cleanup removes it later
      }
      post(
        error instanceof StagingError
          ? { type: 'fatal', code: 'STORAGE_ERROR', message: `${error.message}.` }
          : { type: 'fatal', code: 'INTERNAL', message: (error as Error).stack ?? String(error) },
      );
    }
  };
}

let handle: ((message: Exclude<ToWorker, { type: 'init' }>) => void) | undefined;
port.on('message', (message: ToWorker) => {
  if (message.type === 'init') handle = start(message.data);
  else if (handle === undefined) post({ type: 'fatal', code: 'INTERNAL', message: 'work came before init' });
  else handle(message);
});
