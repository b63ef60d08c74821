import { createHmac } from 'node:crypto';
import { asBlobId, type BlobId } from '../core/ids.js';

/** A blob's id: lowercase hex HMAC-SHA-256 of its plaintext under the vault's blob-id key. */
export function computeBlobId(blobIdKey: Buffer, data: Uint8Array): BlobId {
  return asBlobId(createHmac('sha256', blobIdKey).update(data).digest('hex'));
}
