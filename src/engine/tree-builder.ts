import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AmberError } from '../core/errors.js';
import type { BlobId } from '../core/ids.js';
import { computeBlobId } from '../format/blob-id.js';
import { PACK_TARGET_BYTES, PackWriter } from '../format/pack.js';
import { encodeTree, type TreeNode } from '../format/tree.js';
import type { PackUploader } from './pack-uploader.js';
import type { Repository } from './repository.js';
import type { SourceDir, SourceEntry, SourceFile } from './source-tree.js';

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
   * Builds, ahead of time, every subtree that contains none of the `pending` files (those still
   * being read), yielding to the event loop now and then so pack uploads keep flowing. `build`
   * later reuses these results.
   */
  async prebuild(dir: SourceDir, pending: ReadonlySet<SourceFile>): Promise<void> {
    const dirty = new Set<SourceDir>();
    const markDirty = (d: SourceDir): boolean => {
      let isDirty = false;
      for (const child of d.children) {
        if (child.kind === 'dir') isDirty = markDirty(child) || isDirty;
        else if (child.kind === 'file' && pending.has(child)) isDirty = true;
      }
      if (isDirty) dirty.add(d);
      return isDirty;
    };
    markDirty(dir);
    const visit = async (d: SourceDir): Promise<void> => {
      if (!dirty.has(d)) {
        await this.build(d);
        await yieldToEventLoop();
        return;
      }
      for (const child of d.children) if (child.kind === 'dir') await visit(child);
    };
    await visit(dir);
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
        const base = { type: 'file' as const, ...common(entry), size: this.#sizes.get(entry) ?? 0, content };
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
