import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Chunker, gearTable } from '../format/chunker.js';
import { computeBlobId } from '../format/blob-id.js';
import { PackWriter } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import type { BlobId } from '../core/ids.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import {
  MAX_UNACCEPTED_PACKS,
  type ArchiveWorkerData,
  type FileJob,
  type FileResult,
  type FromWorker,
  type ToWorker,
} from './archive-protocol.js';

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
const buffer = Buffer.allocUnsafe(Math.max(2 * data.chunker.maxSizeBytes, 16 * 1024 * 1024));
let pack = new PackWriter(keys);
const unaccepted = new Int32Array(data.unacceptedPacks);

const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function flushPack(): void {
  if (pack.blobCount === 0) return;
  const { packId, bytes, entries } = pack.finish();
  pack = new PackWriter(keys);
  const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
  for (let n = Atomics.load(unaccepted, 0); n >= MAX_UNACCEPTED_PACKS; n = Atomics.load(unaccepted, 0)) {
    Atomics.wait(unaccepted, 0, n);
  }
  Atomics.add(unaccepted, 0, 1);
  post({ type: 'pack', packId, bytes: copy, entries }, [copy.buffer as ArrayBuffer]);
}

function storeChunk(chunk: Uint8Array): BlobId {
  const id = computeBlobId(keys.blobIdKey, chunk);
  if (written.has(id) || known.has(id)) return id;
  pack.add(id, 'data', chunk);
  written.add(id);
  if (pack.byteLength >= data.packTargetBytes) flushPack();
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
    post({ type: 'fatal', message: (error as Error).stack ?? String(error) });
  }
});
