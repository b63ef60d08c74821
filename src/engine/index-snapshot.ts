import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VaultId } from '../core/ids.js';
import { ID_BYTES } from './blob-id-set.js';
import { BlobIndex } from './blob-index.js';

const MAGIC = Buffer.from('amber-index-snapshot 1\n', 'latin1');
const MAC_BYTES = 32;

/**
 * A host's local copy of a vault's in-memory index, as the index tables themselves (see
 * BlobIndex.tables), so that a command takes the index in one read instead of decrypting and
 * decoding every index segment, and a backup has it before the passphrase KDF ends (it plans while
 * the KDF runs, see archive-plan.ts).
 *
 * File (one per vault, in the cache directory): "amber-index-snapshot 1\n" | u32 LE count of the
 * index segments it stands for | their ids (32 bytes each, sorted) | the index tables |
 * HMAC-SHA-256(local cache key, everything before). It is used only when the segments storage lists
 * now are exactly those it stands for (index segments are write-once and named by their hash, so the
 * same ids mean the same index) and, once the key is derived, its MAC holds; anything else — absent,
 * damaged, stale, written under another key — and the segments are loaded from storage as before.
 * Written after each backup and after each full load, not synced: a torn file fails its MAC.
 */
export class IndexSnapshot {
  /** The index segments the snapshot stands for, sorted. */
  readonly segments: readonly string[];
  /** The index read from the snapshot: usable at once, trusted only once `isAuthentic`. */
  readonly index: BlobIndex;
  readonly #signed: Buffer;
  readonly #mac: Buffer;

  private constructor(segments: string[], index: BlobIndex, signed: Buffer, mac: Buffer) {
    this.segments = segments;
    this.index = index;
    this.#signed = signed;
    this.#mac = mac;
  }

  /** The snapshot file of a vault in a cache directory. */
  static file(cacheDir: string, vaultId: VaultId): string {
    return path.join(cacheDir, vaultId, 'index-snapshot');
  }

  /** Reads a snapshot; undefined when there is none or it is not one (nothing in it is trusted yet). */
  static async read(file: string): Promise<IndexSnapshot | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return undefined;
    }
    if (bytes.length < MAGIC.length + 4 + MAC_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
    const count = signed.readUInt32LE(MAGIC.length);
    const tablesAt = MAGIC.length + 4 + count * ID_BYTES;
    if (tablesAt > signed.length) return undefined;
    const segments: string[] = [];
    for (let at = MAGIC.length + 4; at < tablesAt; at += ID_BYTES)
      segments.push(signed.toString('hex', at, at + ID_BYTES));
    try {
      const index = BlobIndex.fromBytes(signed.subarray(tablesAt));
      return new IndexSnapshot(segments, index, signed, bytes.subarray(signed.length));
    } catch {
      return undefined;
    }
  }

  /** Whether the snapshot stands for exactly these index segments (as storage lists them now). */
  standsFor(listed: readonly string[]): boolean {
    if (listed.length !== this.segments.length) return false;
    const sorted = [...listed].sort();
    return sorted.every((id, i) => id === this.segments[i]);
  }

  /** Whether the snapshot was written by a holder of this vault's key (its MAC holds). */
  isAuthentic(key: Buffer): boolean {
    return timingSafeEqual(createHmac('sha256', key).update(this.#signed).digest(), this.#mac);
  }

  /** Writes the snapshot of `index`, standing for `segments` (temp file + rename). */
  static async write(file: string, key: Buffer, index: BlobIndex, segments: readonly string[]): Promise<void> {
    const head = Buffer.alloc(MAGIC.length + 4 + segments.length * ID_BYTES);
    MAGIC.copy(head);
    head.writeUInt32LE(segments.length, MAGIC.length);
    [...segments].sort().forEach((id, i) => head.write(id, MAGIC.length + 4 + i * ID_BYTES, ID_BYTES, 'hex'));
    const tables = index.tables();
    const hmac = createHmac('sha256', key).update(head);
    for (const piece of tables) hmac.update(piece);
    const mac = hmac.digest();
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writev([head, ...tables, mac]);
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}
