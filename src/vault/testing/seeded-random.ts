/** A small deterministic generator (mulberry32) for property tests: the same seed, the same history. */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [lo, hi], both included. */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A value in [lo, hi) whose logarithm is uniform: many small values, a few large ones. */
  logUniform(lo: number, hi: number): number;
  /** `sizeBytes` pseudo-random bytes. */
  bytes(sizeBytes: number): Buffer;
  /** One key of `weights`, chosen with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const float = (): number => u32() / 4_294_967_296;
  const random: SeededRandom = {
    seed,
    float,
    between: (lo, hi) => lo + Math.floor(float() * (hi - lo + 1)),
    chance: (p) => float() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() from an empty list');
      return items[Math.floor(float() * items.length)] as T;
    },
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + float() * (Math.log(hi) - Math.log(lo))),
    bytes: (sizeBytes) => {
      const out = Buffer.allocUnsafe(sizeBytes);
      for (let i = 0; i < sizeBytes; i += 4) {
        const word = u32();
        for (let j = 0; j < 4 && i + j < sizeBytes; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
      }
      return out;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as [K, number][];
      let roll = float() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return (entries.at(-1) as [K, number])[0];
    },
  };
  return random;
}
