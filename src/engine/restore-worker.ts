import { closeSync, constants, fchmodSync, fchownSync, futimesSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AmberError, isAmberError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-catalog.js';
import type { PackId } from '../core/ids.js';
import { openBlob, type PackEntry } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import type { FromRestoreWorker, RestoreFileTask, RestoreWorkerData, ToRestoreWorker } from './restore-protocol.js';
import { secondsOf } from './utimes-seconds.js';

/**
 * A restore worker: writes its share of the files with synchronous calls on one descriptor each,
 * decrypting and decompressing blobs itself. It asks the main thread for pack bytes: whole packs
 * when it needs much of them (kept in a small cache, the next ones requested ahead), single blob
 * ranges otherwise.
 */
const data = workerData as RestoreWorkerData;
const port = parentPort;
if (port === null) throw new Error('restore-worker must run in a worker thread');
const keys: VaultKeys = {
  dataKey: Buffer.from(data.dataKey),
  blobIdKey: Buffer.from(data.blobIdKey),
  chunkerKey: Buffer.from(data.chunkerKey),
};

const WHOLE_PACK_SHARE = 0.3;
const PACKS_AHEAD = 1;

let nextRequestId = 0;
const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
port.on('message', (message: ToRestoreWorker) => {
  const waiter = pending.get(message.id);
  pending.delete(message.id);
  if (message.type === 'data')
    waiter?.resolve(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
  else waiter?.reject(new AmberError(message.code as ErrorCode, message.message));
});

function request(packId: PackId, offset: number, length: number): Promise<Buffer> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port?.postMessage({ type: 'read', id, packId, offset, length } satisfies FromRestoreWorker);
  });
}

/** Which packs this worker reads whole, in the order it first needs them, and how many reads each. */
function planPacks(files: readonly RestoreFileTask[]): { order: PackId[]; uses: Map<PackId, number> } {
  const bytes = new Map<PackId, number>();
  const ends = new Map<PackId, number>();
  const uses = new Map<PackId, number>();
  const order: PackId[] = [];
  for (const file of files) {
    for (const { packId, entry } of file.blobs) {
      if (!uses.has(packId)) order.push(packId);
      uses.set(packId, (uses.get(packId) ?? 0) + 1);
      bytes.set(packId, (bytes.get(packId) ?? 0) + entry.length);
      ends.set(packId, Math.max(ends.get(packId) ?? 0, entry.offset + entry.length));
    }
  }
  const whole = order.filter((p) => (bytes.get(p) ?? 0) >= WHOLE_PACK_SHARE * (ends.get(p) ?? 1));
  const wholeSet = new Set(whole);
  for (const p of uses.keys()) if (!wholeSet.has(p)) uses.delete(p);
  return { order: whole, uses };
}

const { order, uses } = planPacks(data.files);
const loaded = new Map<PackId, Promise<Buffer>>();
let cursor = 0;

function prefetch(): void {
  while (cursor < order.length && (uses.get(order[cursor] as PackId) ?? 0) <= 0) cursor++;
  for (let i = cursor, n = 0; i < order.length && n < PACKS_AHEAD + 1; i++) {
    const packId = order[i] as PackId;
    if ((uses.get(packId) ?? 0) <= 0) continue;
    if (!loaded.has(packId)) loaded.set(packId, request(packId, 0, -1));
    n++;
  }
}

async function readStored(packId: PackId, entry: PackEntry): Promise<Buffer> {
  const remaining = uses.get(packId);
  if (remaining === undefined) return request(packId, entry.offset, entry.length);
  prefetch();
  let pack = loaded.get(packId);
  if (pack === undefined) {
    pack = request(packId, 0, -1);
    loaded.set(packId, pack);
  }
  const bytes = await pack;
  uses.set(packId, remaining - 1);
  if (remaining - 1 <= 0) loaded.delete(packId);
  return bytes.subarray(entry.offset, entry.offset + entry.length);
}

async function restoreFile(file: RestoreFileTask): Promise<number> {
  const fd = openSync(
    file.path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  let written = 0;
  try {
    for (const { packId, entry } of file.blobs) {
      const plain = openBlob(keys, packId, entry, await readStored(packId, entry));
      for (let at = 0; at < plain.length;) at += writeSync(fd, plain, at, plain.length - at);
      written += plain.length;
    }
    if (data.asRoot) fchownSync(fd, file.uid, file.gid);
    fchmodSync(fd, file.mode & 0o7777);
    const seconds = secondsOf(file.mtimeNs);
    futimesSync(fd, seconds, seconds);
  } finally {
    closeSync(fd);
  }
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

run().catch((error: unknown) => {
  const failure: FromRestoreWorker = isAmberError(error)
    ? { type: 'failed', code: error.code, message: error.message, details: { ...error.details } }
    : { type: 'failed', code: 'INTERNAL', message: (error as Error).message, details: {} };
  port.postMessage(failure);
});
