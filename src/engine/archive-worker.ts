import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Chunker, gearTable } from '../format/chunker.js';
import { computeBlobId } from '../format/blob-id.js';
import { PackWriter } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import type { BlobId } from '../core/ids.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import type { ArchiveWorkerData, FileJob, FileResult, FromWorker, ToWorker } from './archive-protocol.js';
import { takeStagingToken } from './staging-tokens.js';
import { bufferCollector } from './worker-memory.js';

/**
 * An archive worker: reads files, cuts them into chunks, skips chunks the vault already has, and
 * compresses, encrypts and packs the rest. Finished packs go to the main thread, which stores them.
 */
const data = workerData as ArchiveWorkerData;
const port = parentPort;
if (port === null) throw new Error('archive-worker must run in a worker thread');

const keys: VaultKeys = {
  dataKey: Buffer.from(data.dataKey),
  blobIdKey: Buffer.from(data.blobIdKey),
  chunkerKey: Buffer.from(data.chunkerKey),
};
const chunker = new Chunker(data.chunker, gearTable(keys.chunkerKey));
const known = SharedBlobIdSet.attach(data.knownBlobs);
const written = new Set<string>();
const collected = bufferCollector(4 * 1024 * 1024);
/** Room for the largest chunk plus 1 MiB, so refills are large reads. */
const buffer = Buffer.allocUnsafe(data.chunker.maxSizeBytes + 1024 * 1024);

/** Writing a staged pack failed (e.g. the disk is full): the backup fails, it is no file's warning. */
class StagingError extends Error {}

/** The pack being written: a file in the staging directory, opened when its first blob comes. */
let staged: { file: string; fd: number; pack: PackWriter } | undefined;

/** Pack bytes collect here and go to the file 1 MiB at a time (records arrive in 64 KiB pieces). */
const writeBuffer = Buffer.allocUnsafe(1024 * 1024);
let buffered = 0;

function writeAll(fd: number, bytes: Uint8Array): void {
  try {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (error) {
    throw new StagingError(`Cannot write a pack to ${data.stagingDir}: ${(error as Error).message}`, { cause: error });
  }
}

function writeBuffered(fd: number, bytes: Uint8Array): void {
  if (buffered + bytes.length > writeBuffer.length) {
    writeAll(fd, writeBuffer.subarray(0, buffered));
    buffered = 0;
  }
  if (bytes.length >= writeBuffer.length) writeAll(fd, bytes);
  else {
    writeBuffer.set(bytes, buffered);
    buffered += bytes.length;
  }
}

function flushBuffered(fd: number): void {
  writeAll(fd, writeBuffer.subarray(0, buffered));
  buffered = 0;
}

/** Drops the pack being written (after a failure): its file must not stay behind. */
function dropStagedPack(): void {
  if (staged === undefined) return;
  const { file, fd } = staged;
  staged = undefined;
  try {
    closeSync(fd);
  } finally {
    unlinkSync(file);
  }
}

function stagedPack(): { file: string; fd: number; pack: PackWriter } {
  if (staged !== undefined) return staged;
  takeStagingToken(data.stagingTokens);
  const file = path.join(data.stagingDir, `${randomBytes(12).toString('hex')}.pack`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new StagingError(`Cannot create a pack in ${data.stagingDir}: ${(error as Error).message}`, { cause: error });
  }
  buffered = 0;
  staged = { file, fd, pack: new PackWriter(keys, { write: (bytes: Uint8Array) => writeBuffered(fd, bytes) }) };
  return staged;
}

const post = (message: FromWorker): void => port.postMessage(message);

function flushPack(): void {
  if (staged === undefined) return;
  const { file, fd, pack } = staged;
  try {
    const { packId, byteLength, entries } = pack.finish();
    flushBuffered(fd);
    closeSync(fd);
    staged = undefined;
    post({ type: 'pack', packId, file, byteLength, entries });
  } catch (error) {
    // `staged` still names the file: the failure handler drops it.
    throw error instanceof StagingError
      ? error
      : new StagingError(`Cannot finish a pack in ${data.stagingDir}: ${(error as Error).message}`, { cause: error });
  }
}

function storeChunk(chunk: Uint8Array): BlobId {
  const id = computeBlobId(keys.blobIdKey, chunk);
  if (written.has(id) || known.has(id)) return id;
  // A stored payload is never larger than the chunk, so the chunk's size is a safe bound.
  const current = staged?.pack;
  if (
    current !== undefined &&
    (!current.fits(chunk.length) || current.byteLength + chunk.length > data.packTargetBytes)
  ) {
    flushPack();
  }
  stagedPack().pack.add(id, 'data', chunk);
  written.add(id);
  collected(chunk.length);
  return id;
}

function openForRead(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOATIME);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return openSync(path, constants.O_RDONLY);
  }
}

function archiveFile(job: FileJob): FileResult {
  const content: BlobId[] = [];
  let sizeBytes = 0;
  let fd: number;
  try {
    fd = openForRead(job.path);
  } catch (error) {
    return { id: job.id, content, sizeBytes, error: (error as Error).message };
  }
  try {
    let filled = 0;
    let pos = 0;
    let eof = false;
    for (;;) {
      while (!eof && filled < buffer.length) {
        const n = readSync(fd, buffer, filled, buffer.length - filled, null);
        if (n === 0) eof = true;
        else filled += n;
      }
      while (pos < filled) {
        const length = chunker.nextChunkLength(buffer, pos, filled, eof);
        if (length === 0) break;
        content.push(storeChunk(buffer.subarray(pos, pos + length)));
        sizeBytes += length;
        pos += length;
      }
      if (eof && pos >= filled) break;
      buffer.copyWithin(0, pos, filled);
      filled -= pos;
      pos = 0;
    }
    return { id: job.id, content, sizeBytes };
  } catch (error) {
    if (error instanceof StagingError) throw error;
    return { id: job.id, content, sizeBytes, error: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}

port.on('message', (message: ToWorker) => {
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
});
