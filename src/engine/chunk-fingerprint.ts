import { createHmac } from 'node:crypto';
import { fingerprint128 } from '../native/fingerprint.js';

/** The fingerprint of one chunk: 32 hex digits. */
export type Fingerprint = string;

/** Computes chunk fingerprints. */
export type Fingerprinter = (chunk: Uint8Array) => Fingerprint;

/**
 * A fast fingerprint of a chunk's bytes (XXH3-128, seeded per vault), kept in the files cache for the
 * chunks of large files so that a changed file's unchanged chunks are recognised at memory speed
 * (27 GB/s here) instead of by recomputing their HMAC blob ids (1.7 GB/s). A disk image with a few
 * blocks rewritten is then mostly fingerprinted, not hashed, again.
 *
 * It decides only "these bytes are the chunk stored last time", as the files cache's lstat facts
 * decide "this file is unchanged": whoever can write the source can fool either, and gains nothing a
 * plain edit would not give. Against chance, 128 bits. The seed comes from the vault's chunker key,
 * so fingerprints do not match across vaults.
 *
 * Undefined when the native addon is not available here: changed files are then checked by blob id.
 */
export function createFingerprinter(chunkerKey: Uint8Array): Fingerprinter | undefined {
  const seed = createHmac('sha256', chunkerKey).update('amber chunk fingerprint seed').digest();
  const high = seed.readUInt32LE(0);
  const low = seed.readUInt32LE(4);
  if (fingerprint128(new Uint8Array(0), high, low) === null) return undefined;
  return (chunk) => fingerprint128(chunk, high, low) as Fingerprint;
}
