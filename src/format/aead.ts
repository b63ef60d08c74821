import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { corruptObject } from './format-errors.js';

/**
 * AES-256-GCM sealing (docs/format.md §3). A sealed record is `nonce(12) | ciphertext | tag(16)`.
 * Nonces are 96 random bits each; they come from a pool refilled 4 KiB at a time from the OS CSPRNG,
 * so sealing a small blob costs no system call. Random nonces bound a key to 2^32 seals.
 */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;

const NONCE_POOL_BYTES = 341 * NONCE_BYTES; // 4092 bytes, refilled at once
const noncePool = Buffer.allocUnsafe(NONCE_POOL_BYTES);
let noncePoolOffset = NONCE_POOL_BYTES;

function takeNonceInto(target: Buffer): void {
  if (noncePoolOffset === NONCE_POOL_BYTES) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  noncePool.copy(target, 0, noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
}

/** Encrypts and authenticates `plaintext` (and `aad`, which is not stored) under a 32-byte key. */
export function seal(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  return sealAfter(Buffer.alloc(0), key, plaintext, aad);
}

/** `prefix | seal(key, plaintext, aad)` in one buffer, without copying the sealed record again. */
export function sealAfter(prefix: Uint8Array, key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + SEAL_OVERHEAD_BYTES + plaintext.length);
  out.set(prefix, 0);
  const nonce = out.subarray(prefix.length, prefix.length + NONCE_BYTES);
  takeNonceInto(nonce);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  let offset = prefix.length + NONCE_BYTES;
  offset += cipher.update(plaintext).copy(out, offset);
  offset += cipher.final().copy(out, offset);
  cipher.getAuthTag().copy(out, offset);
  return out;
}

/**
 * Streams `seal(key, plaintext, aad)` to `write` in pieces (nonce, ciphertext slices, tag), without
 * a buffer for the whole record. Returns the record's length.
 */
export function sealToSink(
  key: Buffer,
  plaintext: Uint8Array,
  aad: Uint8Array,
  write: (bytes: Uint8Array) => void,
): number {
  const nonce = Buffer.allocUnsafe(NONCE_BYTES);
  takeNonceInto(nonce);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  write(nonce);
  for (let from = 0; from < plaintext.length; from += CIPHER_SLICE_BYTES) {
    write(cipher.update(plaintext.subarray(from, Math.min(plaintext.length, from + CIPHER_SLICE_BYTES))));
  }
  const rest = cipher.final();
  if (rest.length > 0) write(rest);
  write(cipher.getAuthTag());
  return SEAL_OVERHEAD_BYTES + plaintext.length;
}

/**
 * Decrypts a sealed record; undefined when it is too short or fails authentication. With `into`
 * (at least the plaintext's size), the plaintext is written there and a view of it returned, valid
 * until the caller reuses `into`; nothing is allocated for it.
 */
export function tryOpen(key: Buffer, sealed: Uint8Array, aad: Uint8Array, into?: Buffer): Buffer | undefined {
  if (sealed.length < SEAL_OVERHEAD_BYTES) return undefined;
  const tagStart = sealed.length - TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(tagStart));
  const ciphertext = sealed.subarray(NONCE_BYTES, tagStart);
  if (into !== undefined && into.length >= ciphertext.length) {
    const length = cipherInSlices(decipher, ciphertext, into, 0);
    try {
      decipher.final();
      return into.subarray(0, length);
    } catch {
      return undefined;
    }
  }
  const plaintext = decipher.update(ciphertext);
  try {
    const rest = decipher.final();
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
  } catch {
    return undefined;
  }
}

/**
 * Runs `input` through the cipher in slices of 64 KiB, copying each output into `target` at
 * `offset`; returns the bytes written. Node allocates a new buffer for every `update` output: small
 * ones come from reused heap memory, where one large buffer per blob would leave the allocator
 * holding tens of MiB per thread (glibc raises its mmap threshold after the first large free).
 */
function cipherInSlices(
  cipher: { update(data: Uint8Array): Buffer },
  input: Uint8Array,
  target: Buffer,
  offset: number,
): number {
  let at = offset;
  for (let from = 0; from < input.length; from += CIPHER_SLICE_BYTES) {
    at += cipher.update(input.subarray(from, Math.min(input.length, from + CIPHER_SLICE_BYTES))).copy(target, at);
  }
  return at - offset;
}

const CIPHER_SLICE_BYTES = 64 * 1024;

/** Decrypts a sealed record or throws CORRUPT_OBJECT naming `objectName`. */
export function open(key: Buffer, sealed: Uint8Array, aad: Uint8Array, objectName: string): Buffer {
  const plaintext = tryOpen(key, sealed, aad);
  if (plaintext === undefined) throw corruptObject(objectName, 'it failed authentication (AES-256-GCM)');
  return plaintext;
}
