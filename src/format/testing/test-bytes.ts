/** Deterministic pseudo-random bytes (xorshift32), so tests and golden values are reproducible. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Compressible text-like bytes. */
export function textBytes(length: number): Buffer {
  const words = ['amber', 'vault', 'backup', 'retention', 'immutable', 'chunk', 'pack', 'index', 'restore'];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const word = `${words[(i * 7 + (i >> 3)) % words.length] ?? ''} ${i % 97}\n`;
    parts.push(word);
    size += word.length;
  }
  return Buffer.from(parts.join(''), 'latin1').subarray(0, length);
}
