import { createHash } from 'node:crypto';
import { AmberError, isAmberError } from '../core/errors.js';
import { asIndexId, objectKeys } from '../core/ids.js';
import { decodeIndexSegment } from '../format/index-segment.js';
import type { Repository } from '../engine/repository.js';
import type { ObjectStore, PutOptions } from '../storage/object-store.js';
import type { ArchiveUpload } from './backup-session.js';

/** Packs target 16 MiB and may pass it by one blob (≤ 8 MiB); anything far larger is refused. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const PACK_KEY = /^packs\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const INDEX_KEY = /^index\/([0-9a-f]{64})$/;

/**
 * Stores an object a client uploaded: only packs and index segments, each under the id its bytes
 * hash to (an index segment must also open with the vault's key). Ids are content hashes, so an
 * object already present holds these very bytes: it is left as it is, never overwritten.
 */
export async function storeUpload(
  repo: Repository,
  key: string,
  bytes: Buffer,
  putOptions: PutOptions | undefined,
): Promise<'stored' | 'exists'> {
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw rejected(key, `it is ${bytes.length} bytes, above the ${MAX_UPLOAD_BYTES}-byte limit`);
  }
  const pack = PACK_KEY.exec(key);
  const index = INDEX_KEY.exec(key);
  if (pack !== null) {
    const id = pack[2] as string;
    if (!id.startsWith(pack[1] as string) || sha256(bytes) !== id) {
      throw rejected(key, 'the SHA-256 of the bytes received is not the pack id');
    }
  } else if (index !== null) {
    try {
      decodeIndexSegment(repo.keys, asIndexId(index[1] as string), bytes);
    } catch (error) {
      throw rejected(key, 'it is not an index segment of this vault (its hash or authentication failed)', error);
    }
  } else {
    throw rejected(key, 'clients may upload only packs and index segments');
  }
  if (await repo.store.has(key)) return 'exists';
  try {
    await repo.store.put(key, bytes, putOptions);
    return 'stored';
  } catch (error) {
    if (isAmberError(error, 'ALREADY_EXISTS')) return 'exists';
    throw error;
  }
}

/** Every pack and index segment a commit names must be in storage. */
export async function checkUploadComplete(store: ObjectStore, upload: ArchiveUpload): Promise<void> {
  const keys = [...upload.packIds.map(objectKeys.pack), ...upload.indexIds.map(objectKeys.index)];
  for (const key of keys) {
    if (!(await store.has(key))) {
      throw new AmberError('UPLOAD_REJECTED', `The commit names ${key}, which was never uploaded.`, {
        details: { key },
      });
    }
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function rejected(key: string, why: string, cause?: unknown): AmberError {
  return new AmberError('UPLOAD_REJECTED', `The upload of ${key} was refused: ${why}.`, {
    details: { key },
    ...(cause === undefined ? {} : { cause }),
  });
}
