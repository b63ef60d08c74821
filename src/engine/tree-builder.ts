import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AmberError, asError } from '../core/errors.js';
import type { BlobId } from '../core/ids.js';
import { computeBlobId } from '../format/blob-id.js';
import { PACK_TARGET_BYTES, PackWriter } from '../format/pack.js';
import { encodeTree, type TreeNode } from '../format/tree.js';
import type { PackUploader } from './pack-uploader.js';
import type { Repository } from './repository.js';
import type { SourceDir, SourceEntry, SourceFile } from './source-tree.js';

/** Trees built while the workers read (TreeBuilder.buildAhead). */
export interface TreesAhead {
  /** A pending file is done (its content, or its failure, is recorded). */
  readonly fileDone: (file: SourceFile) => void;
  /** Resolves when every build started so far is done; rejects with the first failure. */
  readonly settled: () => Promise<void>;
}

/**
 * Builds the directory trees of a backup bottom-up and stores each tree blob the vault does not
 * have yet, in tree packs of their own (so metadata can be read without touching file data).
 */
export class TreeBuilder {
  readonly treeIds = new Set<BlobId>();
  readonly #repo: Repository;
  readonly #uploader: PackUploader;
  readonly #contents: ReadonlyMap<SourceFile, readonly BlobId[]>;
  readonly #sizes: ReadonlyMap<SourceFile, number>;
  readonly #reusable: ReadonlyMap<SourceDir, BlobId>;
  #pack: PackWriter;
  readonly #built = new Map<SourceDir, BlobId>();

  constructor(
    repo: Repository,
    uploader: PackUploader,
    contents: ReadonlyMap<SourceFile, readonly BlobId[]>,
    /** The size each file was read at; a file not in it (taken from the files cache) has its walked size. */
    sizes: ReadonlyMap<SourceFile, number>,
    /** Directories whose tree is known unchanged and stored (the files cache, checked against the index). */
    reusable: ReadonlyMap<SourceDir, BlobId> = new Map(),
  ) {
    this.#repo = repo;
    this.#uploader = uploader;
    this.#contents = contents;
    this.#sizes = sizes;
    this.#reusable = reusable;
    this.#pack = new PackWriter(repo.keys);
  }

  /**
   * Builds trees while workers still read the `pending` files: at once every subtree with none of
   * them, then each directory as soon as the last pending file below it is done (`fileDone`, called
   * after its content is known). Builds run one at a time and yield to the event loop between
   * directories, so pack uploads keep flowing; `build` later reuses their results.
   */
  buildAhead(root: SourceDir, pending: ReadonlySet<SourceFile>): TreesAhead {
    const remaining = new Map<SourceDir, number>();
    const parentOf = new Map<SourceEntry, SourceDir>();
    const count = (dir: SourceDir): number => {
      let below = 0;
      for (const child of dir.children) {
        if (child.kind === 'dir') {
          parentOf.set(child, dir);
          below += count(child);
        } else if (child.kind === 'file' && pending.has(child)) {
          parentOf.set(child, dir);
          below++;
        }
      }
      remaining.set(dir, below);
      return below;
    };
    count(root);
    let chain = Promise.resolve();
    let failure: unknown;
    const enqueue = (dir: SourceDir): void => {
      chain = chain.then(async () => {
        if (failure !== undefined) return;
        try {
          await this.build(dir);
          await yieldToEventLoop();
        } catch (error) {
          failure = error;
        }
      });
    };
    const cleanTops = (dir: SourceDir): void => {
      if (remaining.get(dir) === 0) enqueue(dir);
      else for (const child of dir.children) if (child.kind === 'dir') cleanTops(child);
    };
    cleanTops(root);
    return {
      fileDone: (file) => {
        for (let dir = parentOf.get(file); dir !== undefined; dir = parentOf.get(dir)) {
          const left = (remaining.get(dir) ?? 0) - 1;
          remaining.set(dir, left);
          if (left === 0) enqueue(dir);
        }
      },
      settled: async () => {
        await chain;
        if (failure !== undefined) throw asError(failure);
      },
    };
  }

  /** Stores the tree of `dir` and everything below it; returns the tree's blob id. */
  async build(dir: SourceDir): Promise<BlobId> {
    const done = this.#built.get(dir);
    if (done !== undefined) return done;
    const reused = this.#reusable.get(dir);
    if (reused !== undefined) {
      this.#reuse(dir, reused);
      return reused;
    }
    const nodes: TreeNode[] = [];
    for (const entry of dir.children) {
      const node = entry.kind === 'dir' ? this.#dirNode(entry, await this.build(entry)) : this.#leafNode(entry);
      if (node !== undefined) nodes.push(node);
    }
    const bytes = encodeTree(nodes);
    const id = computeBlobId(this.#repo.keys.blobIdKey, bytes);
    if (!this.treeIds.has(id) && !this.#repo.index.has(id) && !this.#pack.has(id)) {
      this.#pack.add(id, 'tree', bytes);
      if (this.#pack.byteLength >= PACK_TARGET_BYTES) await this.flush();
    }
    this.treeIds.add(id);
    this.#built.set(dir, id);
    return id;
  }

  /** The tree id of a directory built (or reused) by this builder. */
  treeIdOf(dir: SourceDir): BlobId | undefined {
    return this.#built.get(dir);
  }

  /** Takes a reusable tree and, below it, every subtree (all reusable too) as built. */
  #reuse(dir: SourceDir, id: BlobId): void {
    this.treeIds.add(id);
    this.#built.set(dir, id);
    for (const child of dir.children) {
      if (child.kind !== 'dir') continue;
      const childId = this.#reusable.get(child);
      if (childId === undefined) {
        throw new AmberError('INTERNAL', `The reused tree of ${dir.path} has a subtree that is not reusable.`);
      }
      this.#reuse(child, childId);
    }
  }

  async flush(): Promise<void> {
    if (this.#pack.blobCount === 0) return;
    const { packId, bytes, entries } = this.#pack.finish();
    this.#pack = new PackWriter(this.#repo.keys);
    await this.#uploader.add(packId, bytes, entries);
  }

  #dirNode(entry: SourceDir, subtree: BlobId): TreeNode {
    return { type: 'dir', ...common(entry), subtree };
  }

  #leafNode(entry: Exclude<SourceEntry, SourceDir>): TreeNode | undefined {
    switch (entry.kind) {
      case 'file': {
        const content = this.#contents.get(entry);
        if (content === undefined) return undefined; // unreadable: reported as a warning
        const size = this.#sizes.get(entry) ?? entry.stat.size;
        const base = { type: 'file' as const, ...common(entry), size, content };
        return entry.stat.nlink > 1 ? { ...base, hardlinkKey: `${entry.stat.dev}:${entry.stat.ino}` } : base;
      }
      case 'symlink':
        return { type: 'symlink', ...common(entry), target: entry.target };
      case 'fifo':
        return { type: 'fifo', ...common(entry) };
    }
  }
}

function common(entry: SourceEntry): { name: string; mode: number; uid: number; gid: number; mtimeNs: string } {
  return {
    name: entry.name,
    mode: entry.stat.mode & 0o7777,
    uid: entry.stat.uid,
    gid: entry.stat.gid,
    mtimeNs: String(entry.stat.mtimeNs),
  };
}
