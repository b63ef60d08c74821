import { AmberError } from '../core/errors.js';
import type { BlobId } from '../core/ids.js';
import type { DirNode, FileNode, SymlinkNode, TreeNode } from '../format/tree.js';
import type { Repository } from './repository.js';

export interface PlannedNode<N extends TreeNode = TreeNode> {
  /** Path inside the point, '/'-separated, without a leading slash ('' is the root). */
  readonly path: string;
  readonly node: N;
}

export interface RestorePlan {
  /** Directories, parents before children. */
  readonly dirs: PlannedNode<DirNode>[];
  readonly files: PlannedNode<FileNode>[];
  readonly symlinks: PlannedNode<SymlinkNode>[];
  readonly fifos: PlannedNode[];
  readonly totalBytes: number;
}

/**
 * Reads a point's trees and lists what to restore. `includes` are paths inside the point (absolute,
 * like '/home/ann/docs'); a node is restored when it is an include or lies below one, and the
 * directories leading to an include are created too. No include means everything.
 */
export async function planRestore(repo: Repository, root: BlobId, includes: readonly string[]): Promise<RestorePlan> {
  const wanted = includes.map(normalizeInside);
  const plan: RestorePlan = { dirs: [], files: [], symlinks: [], fifos: [], totalBytes: 0 };
  const matched = new Set<string>();
  await visit(repo, root, '', wanted.length === 0, wanted, plan, matched);
  const missing = wanted.filter((w) => !matched.has(w));
  if (missing.length > 0) {
    throw new AmberError('PATH_NOT_FOUND', `The recovery point has no ${missing.map((m) => `/${m}`).join(', ')}.`, {
      details: { paths: missing.map((m) => `/${m}`) },
    });
  }
  return { ...plan, totalBytes: plan.files.reduce((sum, f) => sum + f.node.size, 0) };
}

/** '/a/b/' → 'a/b'; refuses '..' so an include can never point outside the point. */
export function normalizeInside(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) {
    throw new AmberError('INVALID_ARGUMENT', `The path ${p} contains '..'; give a path inside the recovery point.`);
  }
  return parts.join('/');
}

async function visit(
  repo: Repository,
  treeId: BlobId,
  dirPath: string,
  all: boolean,
  wanted: readonly string[],
  plan: RestorePlan,
  matched: Set<string>,
): Promise<void> {
  const nodes = await repo.readTree(treeId);
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.name)) {
      throw new AmberError('CORRUPT_OBJECT', `Tree ${treeId} names ${node.name} twice.`, { details: { blob: treeId } });
    }
    seen.add(node.name);
    const path = dirPath === '' ? node.name : `${dirPath}/${node.name}`;
    const selected = all || wanted.some((w) => w === path || path.startsWith(`${w}/`));
    if (selected && wanted.includes(path)) matched.add(path);
    const leadsToWanted = !selected && wanted.some((w) => w.startsWith(`${path}/`));
    if (!selected && !leadsToWanted) continue;
    if (node.type === 'dir') {
      plan.dirs.push({ path, node });
      await visit(repo, node.subtree, path, selected, wanted, plan, matched);
    } else if (selected) {
      if (node.type === 'file') plan.files.push({ path, node });
      else if (node.type === 'symlink') plan.symlinks.push({ path, node });
      else plan.fifos.push({ path, node });
    }
  }
}
