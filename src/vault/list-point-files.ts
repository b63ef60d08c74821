import { AmberError } from '../core/errors.js';
import type { BlobId } from '../core/ids.js';
import type { TreeNode } from '../format/tree.js';
import type { Repository } from '../engine/repository.js';
import { normalizeInside } from '../engine/restore-plan.js';
import type { ListedNode } from './vault-service.js';

/** Lists a point's nodes at and below `insidePath` (like `restic ls`), parents before children. */
export async function listPointFiles(repo: Repository, root: BlobId, insidePath: string): Promise<ListedNode[]> {
  const parts = normalizeInside(insidePath)
    .split('/')
    .filter((p) => p !== '');
  let treeId = root;
  let prefix = '';
  const out: ListedNode[] = [];
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i] as string;
    const node = (await repo.readTree(treeId)).find((n) => n.name === name);
    const nodePath = `${prefix}/${name}`;
    if (node === undefined) {
      throw new AmberError('PATH_NOT_FOUND', `The recovery point has no ${nodePath}.`, { details: { path: nodePath } });
    }
    if (i === parts.length - 1) out.push({ path: nodePath, node });
    if (node.type !== 'dir') {
      if (i === parts.length - 1) return out;
      throw new AmberError('PATH_NOT_FOUND', `${nodePath} is not a directory in the recovery point.`);
    }
    treeId = node.subtree;
    prefix = nodePath;
  }
  await walk(repo, treeId, prefix, out);
  return out;
}

async function walk(repo: Repository, treeId: BlobId, prefix: string, out: ListedNode[]): Promise<void> {
  const nodes: TreeNode[] = await repo.readTree(treeId);
  for (const node of nodes) {
    const nodePath = `${prefix}/${node.name}`;
    out.push({ path: nodePath, node });
    if (node.type === 'dir') await walk(repo, node.subtree, nodePath, out);
  }
}
