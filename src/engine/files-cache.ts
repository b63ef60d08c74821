import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { BlobId, PointId, VaultId } from '../core/ids.js';
import type { ChunkTable } from './file-chunks.js';
import type { EntryStat } from './source-tree.js';

/** What a cache line describes: a file (with its content), a directory (with its tree), a symlink or a FIFO. */
export type CachedKind = 'file' | 'dir' | 'symlink' | 'fifo';

const KIND_CODES: Readonly<Record<CachedKind, string>> = { file: 'f', dir: 'd', symlink: 'l', fifo: 'p' };

/** One entry to record: `ids` is the content's blob ids for a file, the tree id for a directory, else none. */
export interface CacheEntry {
  readonly path: string;
  readonly kind: CachedKind;
  readonly stat: EntryStat;
  readonly ids: readonly BlobId[];
  /** The entry matched the previous cache as it is: its line is written again unchanged. */
  readonly hit: boolean;
  /** A large file's chunk table (lengths and fingerprints), when it was read whole. */
  readonly chunks?: ChunkTable;
}

/**
 * The files cache (borg's idea, extended to directories): for each entry of an item's last committed
 * backup, the lstat facts that prove it unchanged (size, mtime, ctime, inode) and what it was stored
 * as — a file's content blob ids, a directory's tree id. A file whose facts match is not read again;
 * a directory whose facts match, with every entry in it unchanged, reuses its tree without encoding
 * it again (see cache-match.ts). The cache lives on the backed-up host, outside the vault, holds no
 * file content, and is written only after a point is committed; losing it only costs a re-read.
 *
 * Format (one text file per vault and item): a first line `amber-files-cache 4 <pointId>`, then one
 * line per entry, fields separated by tabs: the JSON-quoted path, the kind (f, d, l or p), size,
 * mtimeNs, ctimeNs, inode and the concatenated hex blob ids; for a large file, then its chunk table:
 * `length:fingerprint` per chunk, comma-separated (see chunk-fingerprint.ts). Lines are split only
 * when looked up, so loading 100k entries costs little. Version 3 (no chunk tables) is read too; a
 * cache of another version is ignored (read as empty).
 */
const MAGIC = 'amber-files-cache 4';
const READABLE_MAGICS = [MAGIC, 'amber-files-cache 3'];
const ID_HEX = 64;
/** Kind, size, mtimeNs, ctimeNs and inode: the tab-ended fields between the path and the ids. */
const FACT_FIELDS = 5;

export class FilesCache {
  readonly #file: string;
  /** Path → its whole line. */
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
      if (READABLE_MAGICS.some((magic) => all[0]?.startsWith(`${magic} `))) {
        for (let i = 1; i < all.length; i++) {
          const line = all[i] as string;
          const tab = line.indexOf('\t');
          if (tab > 1) lines.set(unquote(line.slice(0, tab)), line);
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

  /**
   * What the entry was stored as (blob ids, possibly none) when its kind and lstat facts match the
   * cache exactly; undefined otherwise.
   */
  lookup(entryPath: string, kind: CachedKind, stat: EntryStat): readonly BlobId[] | undefined {
    const line = this.#lines.get(entryPath);
    if (line === undefined) return undefined;
    const facts = factsOf(kind, stat);
    const factsAt = line.indexOf('\t') + 1;
    if (!line.startsWith(facts, factsAt)) return undefined;
    return idsFrom(line, factsAt + facts.length);
  }

  /**
   * The content a file at this path was stored as in the last backup, whatever its facts now (for
   * a changed file: see chunkFile), with its chunk table when the cache has one; undefined when the
   * cache has no file there.
   */
  previousContent(filePath: string): { ids: readonly BlobId[]; table?: ChunkTable } | undefined {
    const line = this.#lines.get(filePath);
    if (line === undefined) return undefined;
    const factsAt = line.indexOf('\t') + 1;
    if (!line.startsWith(`${KIND_CODES.file}\t`, factsAt)) return undefined;
    let idsAt = factsAt;
    for (let field = 0; field < FACT_FIELDS; field++) idsAt = line.indexOf('\t', idsAt) + 1;
    if (idsAt === 0) return undefined;
    const ids = idsFrom(line, idsAt);
    if (ids === undefined) return undefined;
    const tableAt = line.indexOf('\t', idsAt) + 1;
    const table = tableAt === 0 ? undefined : tableFrom(line.slice(tableAt), ids.length);
    return table === undefined ? { ids } : { ids, table };
  }

  /** Replaces the cache with the entries of a committed point, atomically (temp + fsync + rename). */
  static async save(previous: FilesCache, pointId: PointId, entries: Iterable<CacheEntry>): Promise<void> {
    const out: string[] = [`${MAGIC} ${pointId}`];
    for (const e of entries) {
      const line = e.hit ? previous.#lines.get(e.path) : undefined;
      const table = e.chunks === undefined ? '' : `\t${tableText(e.chunks)}`;
      out.push(line ?? `${JSON.stringify(e.path)}\t${factsOf(e.kind, e.stat)}${e.ids.join('')}${table}`);
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

/** The concatenated hex ids of a line from `idsAt` to its end or next tab; undefined when they are not whole ids. */
function idsFrom(line: string, idsAt: number): BlobId[] | undefined {
  const tab = line.indexOf('\t', idsAt);
  const end = tab < 0 ? line.length : tab;
  if ((end - idsAt) % ID_HEX !== 0) return undefined;
  const ids: BlobId[] = [];
  for (let i = idsAt; i < end; i += ID_HEX) ids.push(line.slice(i, i + ID_HEX) as BlobId);
  return ids;
}

const TABLE_ITEM = /^([1-9][0-9]{0,9}):([0-9a-f]{32})$/;

/** A chunk table's text: `length:fingerprint` per chunk, comma-separated. */
function tableText(table: ChunkTable): string {
  return table.lengths.map((length, i) => `${length}:${table.fingerprints[i] ?? ''}`).join(',');
}

/** The chunk table of `text` when it is well-formed and has one entry per id; else undefined (not used). */
function tableFrom(text: string, chunkCount: number): ChunkTable | undefined {
  const items = text.split(',');
  if (items.length !== chunkCount) return undefined;
  const lengths: number[] = [];
  const fingerprints: string[] = [];
  for (const item of items) {
    const match = TABLE_ITEM.exec(item);
    if (match === null) return undefined;
    lengths.push(Number(match[1]));
    fingerprints.push(match[2] as string);
  }
  return { lengths, fingerprints };
}

/** The fields of a line between the path and the ids, each followed by a tab. */
function factsOf(kind: CachedKind, stat: EntryStat): string {
  return `${KIND_CODES[kind]}\t${stat.size}\t${stat.mtimeNs}\t${stat.ctimeNs}\t${stat.ino}\t`;
}

/** A JSON-quoted path; most have nothing escaped and need no parsing. */
function unquote(quoted: string): string {
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}
