import { createCipheriv, createHash } from 'node:crypto';

/** A small deterministic pseudo-random generator (xoshiro128**), for shaping the bench corpus. */
export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  u32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
  /** Uniform integer in [lo, hi], both included. */
  between(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Integer in [lo, hi) whose logarithm is uniform: many small values, a few large ones. */
  logUniform(lo: number, hi: number): number;
}

const TWO_POW_32 = 4_294_967_296;

/** A generator seeded from the SHA-256 of its labelled parts: the same parts give the same sequence. */
export function createRng(...parts: readonly (string | number)[]): Rng {
  const digest = createHash('sha256')
    .update(`amber-bench-rng\u0000${parts.join('\u0000')}`)
    .digest();
  let s0 = digest.readUInt32LE(0);
  let s1 = digest.readUInt32LE(4);
  let s2 = digest.readUInt32LE(8);
  let s3 = digest.readUInt32LE(12) | 1;
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const float = (): number => u32() / TWO_POW_32;
  const below = (n: number): number => Math.floor(float() * n);
  return {
    u32,
    float,
    below,
    between: (lo, hi) => lo + below(hi - lo + 1),
    chance: (p) => float() < p,
    pick: <T>(items: readonly T[]): T => items[below(items.length)] as T,
    logUniform: (lo, hi) => Math.floor(Math.exp(Math.log(lo) + float() * (Math.log(hi) - Math.log(lo)))),
  };
}

/** Returns the next `sizeBytes` bytes of an endless incompressible stream. */
export type Keystream = (sizeBytes: number) => Buffer;

const ZERO_BLOCK = Buffer.alloc(8 * 1024 * 1024);

/**
 * Deterministic incompressible bytes: the AES-256-CTR keystream under a key derived from the seed
 * and a label (≈ 2 GB/s, far faster than any JS loop).
 */
export function createKeystream(seed: string | number, label: string): Keystream {
  const key = createHash('sha256').update(`amber-bench-ks\u0000${seed}\u0000${label}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return (sizeBytes) =>
    cipher.update(sizeBytes <= ZERO_BLOCK.length ? ZERO_BLOCK.subarray(0, sizeBytes) : Buffer.alloc(sizeBytes));
}
