import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Chunker, gearTable } from '../format/chunker.js';
import { computeBlobId } from '../format/blob-id.js';
import { PackWriter } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import type { BlobId } from '../core/ids.js';
import { SharedBlobIdSet } from './blob-id-set.js';
import type { ArchiveWorkerData, FileJob, FileResult, FromWorker, ToWorker } from './archive-protocol.js';
import { acquirePackSlot } from './pack-slots.js';

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
/** Room for the largest chunk plus 4 MiB, so refills are large reads. */
const buffer = Buffer.allocUnsafe(data.chunker.maxSizeBytes + 4 * 1024 * 1024);
const slotBuffers = data.packSlots.buffers.map((sab) => Buffer.from(sab));
let slot = acquirePackSlot(data.packSlots);
let pack = new PackWriter(keys, slotBuffers[slot]);

const post = (message: FromWorker): void => port.postMessage(message);

function flushPack(): void {
  if (pack.blobCount === 0) return;
  const { packId, bytes, entries } = pack.finish();
  post({ type: 'pack', packId, slot, byteLength: bytes.length, entries });
  slot = acquirePackSlot(data.packSlots);
  pack = new PackWriter(keys, slotBuffers[slot]);
}

function storeChunk(chunk: Uint8Array): BlobId {
  const id = computeBlobId(keys.blobIdKey, chunk);
  if (written.has(id) || known.has(id)) return id;
  // A stored payload is never larger than the chunk, so the chunk's size is a safe bound.
  if (pack.blobCount > 0 && (!pack.fits(chunk.length) || pack.byteLength + chunk.length > data.packTargetBytes)) {
    flushPack();
  }
  pack.add(id, 'data', chunk);
  written.add(id);
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
