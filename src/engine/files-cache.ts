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
 */
export interface CachedFile {
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
  readonly content: readonly BlobId[];
}

interface CacheDocument {
  readonly version: 1;
  readonly pointId: PointId;
  readonly files: Record<string, CachedFile>;
}

export class FilesCache {
  readonly #file: string;
  readonly #entries: Map<string, CachedFile>;

  private constructor(file: string, entries: Map<string, CachedFile>) {
    this.#file = file;
    this.#entries = entries;
  }

  /** Loads the cache of one item of one vault; a missing or unreadable cache is simply empty. */
  static async load(cacheDir: string, vaultId: VaultId, item: string): Promise<FilesCache> {
    const itemKey = createHash('sha256').update(item).digest('hex').slice(0, 32);
    const file = path.join(cacheDir, vaultId, 'files', `${itemKey}.json`);
    try {
      const doc = JSON.parse(await readFile(file, 'utf8')) as CacheDocument;
      if (doc.version === 1 && typeof doc.files === 'object') {
        return new FilesCache(file, new Map(Object.entries(doc.files)));
      }
    } catch {
      // absent or damaged: start empty, the backup reads every file
    }
    return new FilesCache(file, new Map());
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached content of the file when its lstat facts match exactly, else undefined. */
  lookup(filePath: string, stat: BigIntStats): readonly BlobId[] | undefined {
    const cached = this.#entries.get(filePath);
    if (cached === undefined) return undefined;
    const same =
      cached.size === String(stat.size) &&
      cached.mtimeNs === String(stat.mtimeNs) &&
      cached.ctimeNs === String(stat.ctimeNs) &&
      cached.ino === String(stat.ino);
    return same ? cached.content : undefined;
  }

  /** Replaces the cache with the files of a committed point, atomically (temp + fsync + rename). */
  static async save(
    previous: FilesCache,
    pointId: PointId,
    files: Iterable<{ path: string; stat: BigIntStats; content: readonly BlobId[] }>,
  ): Promise<void> {
    const doc: { version: 1; pointId: PointId; files: Record<string, CachedFile> } = { version: 1, pointId, files: {} };
    for (const f of files) {
      doc.files[f.path] = {
        size: String(f.stat.size),
        mtimeNs: String(f.stat.mtimeNs),
        ctimeNs: String(f.stat.ctimeNs),
        ino: String(f.stat.ino),
        content: f.content,
      };
    }
    await mkdir(path.dirname(previous.#file), { recursive: true, mode: 0o700 });
    const tmp = `${previous.#file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(doc));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, previous.#file);
  }
}
