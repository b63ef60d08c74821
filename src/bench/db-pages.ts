import type { Keystream, Rng } from './prng.js';
import type { Vocabulary } from './vocabulary.js';

const PAGE_BYTES = 4096;
const RECORD_BYTES = 64;

/**
 * Database-file-like bytes: 4 KiB pages, about half of them random (compressed or encrypted
 * payloads), the rest sparse fixed-size records followed by zero padding.
 */
export function dbPages(rng: Rng, keystream: Keystream, vocab: Vocabulary, sizeBytes: number): Buffer {
  const data = Buffer.alloc(sizeBytes);
  for (let pageAt = 0; pageAt < sizeBytes; pageAt += PAGE_BYTES) {
    const pageEnd = Math.min(sizeBytes, pageAt + PAGE_BYTES);
    if (rng.chance(0.5)) {
      keystream(pageEnd - pageAt).copy(data, pageAt);
      continue;
    }
    const records = rng.between(3, 40);
    for (let r = 0, at = pageAt; r < records && at + RECORD_BYTES <= pageEnd; r++, at += RECORD_BYTES) {
      data.writeUInt32LE(rng.u32(), at);
      data.writeUInt16LE(rng.below(1000), at + 4);
      data.writeDoubleLE(rng.below(1_000_000) / 100, at + 8);
      data.write(vocab.identifier(rng), at + 16, RECORD_BYTES - 16, 'latin1');
    }
  }
  return data;
}
