import assert from 'node:assert/strict';
import { chmod, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Rng } from '../../bench/prng.js';
import { clearImmutable, runTool } from './temp-dir.js';

/** One object of a vault's storage (docs/format.md §1), as a file of a local vault. */
export interface StoredObject {
  /** The storage key: 'amber.vault', 'keys/<id>', 'index/<id>', 'points/<id>', 'packs/<xx>/<id>'. */
  readonly key: string;
  readonly kind: 'header' | 'key' | 'index' | 'point' | 'pack';
  /** The id in the key (the key itself for the header). */
  readonly id: string;
  readonly sizeBytes: number;
}

const KINDS: Record<string, StoredObject['kind']> = { keys: 'key', index: 'index', points: 'point', packs: 'pack' };

/** Every stored object of a local vault; dot-directories (.catalog, .locks, .tmp) are not storage. */
export async function listVaultObjects(vaultDir: string): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  const entries = await readdir(vaultDir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const key = path.relative(vaultDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (key.split('/').some((part) => part.startsWith('.'))) continue;
    const top = key.split('/')[0] ?? '';
    const kind = key === 'amber.vault' ? 'header' : KINDS[top];
    if (kind === undefined) assert.fail(`unexpected file in the vault: ${key}`);
    const sizeBytes = (await stat(path.join(vaultDir, key))).size;
    out.push({ key, kind, id: kind === 'header' ? key : path.basename(key), sizeBytes });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Copies a vault with everything in it (cp -a) and clears the immutable attribute on the copy. */
export async function copyVault(from: string, to: string): Promise<void> {
  await runTool('cp', ['-a', from, to]);
  await clearImmutable(to);
}

/** Flips one bit of a stored (read-only) object file in place. */
export async function flipBit(file: string, position: number, bit: number): Promise<void> {
  const { mode } = await stat(file);
  await chmod(file, mode | 0o200);
  const handle = await open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, position);
    byte[0] = (byte[0] ?? 0) ^ (1 << bit);
    await handle.write(byte, 0, 1, position);
  } finally {
    await handle.close();
  }
  await chmod(file, mode);
}

/** Length of a pack's trailer: u32 LE sealed-footer length, then "AMBERPK1". */
const PACK_TRAILER_BYTES = 12;

/**
 * Byte positions to damage in one object: first, last, middle and `randomCount` seeded ones; for a
 * pack also seven more spread over the file (eighths) and two in its footer (the sealed entry table
 * and the footer length of the trailer).
 */
export function damagePositions(
  object: StoredObject,
  trailer: Buffer | undefined,
  rng: Rng,
  randomCount = 2,
): number[] {
  const n = object.sizeBytes;
  const positions = new Set([0, n - 1, Math.floor(n / 2)]);
  for (let i = 0; i < randomCount; i++) positions.add(rng.below(n));
  if (object.kind === 'pack' && trailer !== undefined) {
    for (let i = 1; i < 8; i++) positions.add(Math.floor((i * n) / 8));
    const footerLength = trailer.readUInt32LE(0);
    positions.add(n - PACK_TRAILER_BYTES - footerLength + Math.floor(footerLength / 3)); // the sealed table
    positions.add(n - PACK_TRAILER_BYTES); // the footer length
  }
  return [...positions].filter((p) => p >= 0 && p < n).sort((a, b) => a - b);
}

/** The last 12 bytes of a pack file. */
export async function readPackTrailer(file: string, sizeBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const trailer = Buffer.alloc(PACK_TRAILER_BYTES);
    await handle.read(trailer, 0, PACK_TRAILER_BYTES, sizeBytes - PACK_TRAILER_BYTES);
    return trailer;
  } finally {
    await handle.close();
  }
}
