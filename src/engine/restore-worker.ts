import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AmberError, isAmberError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-catalog.js';
import { objectKeys, type PackId } from '../core/ids.js';
import { BlobScratch, openBlob, type PackEntry } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import { translateFsError } from '../storage/storage-errors.js';
import type { FromRestoreWorker, RestoreFileTask, RestoreWorkerData, ToRestoreWorker } from './restore-protocol.js';
import { secondsOf } from './utimes-seconds.js';
import { bufferCollector } from './worker-memory.js';

/**
 * A restore worker: writes its share of the files with synchronous calls on one descriptor each,
 * decrypting and decompressing blobs itself. It asks the main thread for the pack ranges it needs.
 */
const data = workerData as RestoreWorkerData;
const port = parentPort;
if (port === null) throw new Error('restore-worker must run in a worker thread');
const keys: VaultKeys = {
  dataKey: Buffer.from(data.dataKey),
  blobIdKey: Buffer.from(data.blobIdKey),
  chunkerKey: Buffer.from(data.chunkerKey),
};

/** A read unit spans neighbouring blobs of one pack, up to this many bytes. */
const UNIT_MAX_BYTES = 4 * 1024 * 1024;
/** Blobs this far apart in a pack still share a read (the gap is read and skipped). */
const UNIT_MAX_GAP_BYTES = 256 * 1024;
/** Read units requested ahead of the one being written. */
const UNITS_AHEAD = 2;

const collected = bufferCollector(4 * 1024 * 1024);
const scratch = new BlobScratch();
const stopCell = new Int32Array(data.stop);

/** Another worker failed: this one ends at the next blob (its partial file removed). */
class Stopped extends Error {}

function checkStop(): void {
  if (Atomics.load(stopCell, 0) !== 0) throw new Stopped('stopped');
}

let nextRequestId = 0;
const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
port.on('message', (message: ToRestoreWorker) => {
  const waiter = pending.get(message.id);
  pending.delete(message.id);
  if (message.type === 'data') {
    waiter?.resolve(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
  } else waiter?.reject(new AmberError(message.code as ErrorCode, message.message));
});

function request(packId: PackId, offset: number, length: number): Promise<Buffer> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port?.postMessage({ type: 'read', id, packId, offset, length } satisfies FromRestoreWorker);
  });
}

interface ReadUnit {
  readonly packId: PackId;
  readonly start: number;
  end: number;
  bytes?: Promise<Buffer>;
}

/**
 * The worker's reads, in the order it will need them: runs of neighbouring blobs of one pack become
 * one range read of at most 4 MiB, so memory stays small whatever the pack size, and a few reads
 * ahead keep storage busy while this thread decrypts and writes.
 */
function planUnits(files: readonly RestoreFileTask[]): { units: ReadUnit[]; unitOfBlob: number[] } {
  const units: ReadUnit[] = [];
  const unitOfBlob: number[] = [];
  let current: ReadUnit | undefined;
  for (const file of files) {
    for (const { packId, entry } of file.blobs) {
      const end = entry.offset + entry.length;
      const fits =
        current !== undefined &&
        current.packId === packId &&
        entry.offset >= current.end &&
        entry.offset - current.end <= UNIT_MAX_GAP_BYTES &&
        end - current.start <= UNIT_MAX_BYTES;
      if (fits && current !== undefined) current.end = end;
      else {
        current = { packId, start: entry.offset, end };
        units.push(current);
      }
      unitOfBlob.push(units.length - 1);
    }
  }
  return { units, unitOfBlob };
}

const { units, unitOfBlob } = planUnits(data.files);
let blobCursor = 0;

function load(index: number): Promise<Buffer> | undefined {
  const unit = units[index];
  if (unit === undefined) return undefined;
  unit.bytes ??= request(unit.packId, unit.start, unit.end - unit.start);
  return unit.bytes;
}

/** The stored bytes of the next blob (blobs are asked for in plan order), read through the main thread. */
async function readStoredRequested(entry: PackEntry): Promise<Buffer> {
  const index = unitOfBlob[blobCursor++] as number;
  for (let ahead = 1; ahead <= UNITS_AHEAD; ahead++) void load(index + ahead)?.catch(() => undefined);
  const unit = units[index] as ReadUnit;
  const bytes = await (load(index) as Promise<Buffer>);
  // Free the unit once its last blob is served.
  if (unitOfBlob[blobCursor] !== index) delete unit.bytes;
  return bytes.subarray(entry.offset - unit.start, entry.offset - unit.start + entry.length);
}

/** Packs as local files: each unit is read straight into one buffer, reused for the next unit. */
const local = { unit: -1, bytes: Buffer.alloc(0), packId: '', fd: -1 };

function readUnitLocally(unit: ReadUnit, packFile: string): void {
  const length = unit.end - unit.start;
  if (local.bytes.length < length) local.bytes = Buffer.allocUnsafe(Math.max(length, UNIT_MAX_BYTES));
  if (local.packId !== unit.packId) {
    if (local.fd >= 0) closeSync(local.fd);
    local.fd = -1;
    try {
      local.fd = openSync(packFile, constants.O_RDONLY);
    } catch (error) {
      throw translateFsError(error, objectKeys.pack(unit.packId), 'get');
    }
    local.packId = unit.packId;
  }
  for (let filled = 0; filled < length;) {
    const n = readSync(local.fd, local.bytes, filled, length - filled, unit.start + filled);
    if (n === 0) {
      const key = objectKeys.pack(unit.packId);
      throw new AmberError('STORAGE_ERROR', `The object ${key} ended early while reading a range.`, {
        details: { key },
      });
    }
    filled += n;
  }
}

function readStoredLocally(entry: PackEntry, packFiles: Readonly<Record<string, string>>): Buffer {
  const index = unitOfBlob[blobCursor++] as number;
  const unit = units[index] as ReadUnit;
  if (local.unit !== index) {
    readUnitLocally(unit, packFiles[unit.packId] as string);
    local.unit = index;
  }
  return local.bytes.subarray(entry.offset - unit.start, entry.offset - unit.start + entry.length);
}

function readStored(entry: PackEntry): Buffer | Promise<Buffer> {
  return data.packFiles === undefined ? readStoredRequested(entry) : readStoredLocally(entry, data.packFiles);
}

async function restoreFile(file: RestoreFileTask): Promise<number> {
  checkStop();
  const fd = openSync(
    file.path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  let written = 0;
  try {
    for (const { packId, entry } of file.blobs) {
      checkStop();
      const plain = openBlob(keys, packId, entry, await readStored(entry), scratch);
      for (let at = 0; at < plain.length;) at += writeSync(fd, plain, at, plain.length - at);
      written += plain.length;
      collected(plain.length);
    }
    if (data.asRoot) fchownSync(fd, file.uid, file.gid);
    fchmodSync(fd, file.mode & 0o7777);
    const seconds = secondsOf(file.mtimeNs);
    futimesSync(fd, seconds, seconds);
  } catch (error) {
    // A file that could not be restored whole does not stay behind looking restored.
    closeSync(fd);
    unlinkSync(file.path);
    throw error;
  }
  closeSync(fd);
  return written;
}

async function run(): Promise<void> {
  let files = 0;
  let bytes = 0;
  for (const file of data.files) {
    bytes += await restoreFile(file);
    if (++files === 64) {
      port?.postMessage({ type: 'progress', files, bytes } satisfies FromRestoreWorker);
      files = 0;
      bytes = 0;
    }
  }
  port?.postMessage({ type: 'progress', files, bytes } satisfies FromRestoreWorker);
  port?.postMessage({ type: 'done' } satisfies FromRestoreWorker);
}

run()
  .finally(() => {
    // Descriptors belong to the process, not to this thread: close the pack file before stopping.
    if (local.fd >= 0) closeSync(local.fd);
    local.fd = -1;
  })
  .catch((error: unknown) => {
    if (error instanceof Stopped) {
      port.postMessage({ type: 'stopped' } satisfies FromRestoreWorker);
      return;
    }
    const failure: FromRestoreWorker = isAmberError(error)
      ? { type: 'failed', code: error.code, message: error.message, details: { ...error.details } }
      : { type: 'failed', code: 'INTERNAL', message: (error as Error).message, details: {} };
    port.postMessage(failure);
  });
