import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import type { BlobId, PointId, VaultId } from '../core/ids.js';

/**
 * The files cache (borg's idea): for each file of an item's last committed backup, the lstat facts
 * that prove it unchanged (size, mtime, ctime, inode) and the blob ids of its content. A file whose
 * facts all match is not read again. It lives on the backed-up host, outside the vault, and holds no
 * file content; losing it only costs a re-read. It is written only after a point is committed.
 *
 * Format (one text file per vault and item): a first line `amber-files-cache 2 <pointId>`, then one
 * line per file: JSON-quoted path, size, mtimeNs, ctimeNs, inode and the concatenated hex blob ids,
 * separated by tabs. Lines are split only when looked up, so loading 100k entries costs little.
 */
const MAGIC = 'amber-files-cache 2';
const ID_HEX = 64;

export class FilesCache {
  readonly #file: string;
  /** JSON-quoted path → the rest of its line. */
  readonly #lines: Map<string, string>;

  private constructor(file: string, lines: Map<string, string>) {
    this.#file = file;
    this.#lines = lines;
  }

  /** Loads the cache of one item of one vault; a missing or unreadable cache is simply empty. */
  static async load(cacheDir: string, vaultId: VaultId, item: string): Promise<FilesCache> {
    const itemKey = createHash('sha256').update(item).digest('hex').slice(0, 32);
    const file = path.join(cacheDir, vaultId, 'files', `${itemKey}.tsv`);
    const lines = new Map<string, string>();
    try {
      const text = await readFile(file, 'utf8');
      const all = text.split('\n');
      if (all[0]?.startsWith(MAGIC)) {
        for (let i = 1; i < all.length; i++) {
          const line = all[i] as string;
          const tab = line.indexOf('\t');
          if (tab > 0) lines.set(line.slice(0, tab), line.slice(tab + 1));
        }
      }
    } catch {
      // absent or damaged: start empty, the backup reads every file
    }
    return new FilesCache(file, lines);
  }

  get size(): number {
    return this.#lines.size;
  }

  /** The cached content of the file when its lstat facts match exactly, else undefined. */
  lookup(filePath: string, stat: BigIntStats): readonly BlobId[] | undefined {
    const rest = this.#lines.get(JSON.stringify(filePath));
    if (rest === undefined) return undefined;
    const [size, mtimeNs, ctimeNs, ino, ids = ''] = rest.split('\t');
    const same =
      size === String(stat.size) &&
      mtimeNs === String(stat.mtimeNs) &&
      ctimeNs === String(stat.ctimeNs) &&
      ino === String(stat.ino) &&
      ids.length % ID_HEX === 0;
    if (!same) return undefined;
    const content: BlobId[] = [];
    for (let i = 0; i < ids.length; i += ID_HEX) content.push(ids.slice(i, i + ID_HEX) as BlobId);
    return content;
  }

  /** Replaces the cache with the files of a committed point, atomically (temp + fsync + rename). */
  static async save(
    previous: FilesCache,
    pointId: PointId,
    files: Iterable<{ path: string; stat: BigIntStats; content: readonly BlobId[] }>,
  ): Promise<void> {
    const out: string[] = [`${MAGIC} ${pointId}`];
    for (const f of files) {
      const s = f.stat;
      out.push(`${JSON.stringify(f.path)}\t${s.size}\t${s.mtimeNs}\t${s.ctimeNs}\t${s.ino}\t${f.content.join('')}`);
    }
    await mkdir(path.dirname(previous.#file), { recursive: true, mode: 0o700 });
    const tmp = `${previous.#file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(out.join('\n') + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, previous.#file);
  }
}
