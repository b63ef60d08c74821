import { isAmberError } from '../core/errors.js';
import { asIndexId, objectKeys, type BlobId, type IndexId, type PackId, type PointId } from '../core/ids.js';
import { decodeIndexSegment, type IndexSegment } from '../format/index-segment.js';
import { readKeyEnvelopeMeta } from '../format/key-envelope.js';
import { readPackEntries, verifyBlob, type PackEntry } from '../format/pack.js';
import { decodeVaultHeader } from '../format/vault-header.js';
import { asKeyId } from '../core/ids.js';
import { mapConcurrent } from './map-concurrent.js';
import type { Repository } from './repository.js';

export interface VerifyProblem {
  readonly object: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly points: number;
  readonly packs: number;
  readonly blobs: number;
  readonly trees: number;
  readonly bytesRead: number;
  readonly unreferencedPacks: number;
  readonly problems: VerifyProblem[];
}

/**
 * Checks a vault's structure: header, key envelopes, every index segment, every point manifest and
 * the trees they lead to, and that every blob they need is indexed and its pack exists. With
 * readData it also reads every pack in full: the pack hash, the footer, and every blob
 * (authenticated decryption and its keyed hash) against the index.
 *
 * Call it on a repository whose index is not loaded yet: it loads each segment itself, so one bad
 * segment is reported instead of stopping the check.
 */
export async function verifyRepository(repo: Repository, options: { readData: boolean }): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const note = (object: string, error: unknown): void => {
    problems.push({ object, message: isAmberError(error) ? error.message : String(error) });
  };
  await check(objectKeys.header, problems, async () => decodeVaultHeader(await repo.store.get(objectKeys.header)));
  for await (const object of repo.store.list('keys/')) {
    await check(object.key, problems, async () =>
      readKeyEnvelopeMeta(await repo.store.get(object.key), asKeyId(object.key.slice(5))),
    );
  }
  const segments = new Map<IndexId, IndexSegment>();
  for (const id of await repo.listIds('index/')) {
    const key = objectKeys.index(asIndexId(id));
    await check(key, problems, async () => {
      segments.set(asIndexId(id), decodeIndexSegment(repo.keys, asIndexId(id), await repo.store.get(key)));
    });
  }
  const superseded = new Set([...segments.values()].flatMap((s) => s.supersedes));
  for (const [indexId, segment] of segments) {
    if (!superseded.has(indexId) && !repo.index.hasSegment(indexId)) repo.index.addSegment(indexId, segment);
  }

  const neededBlobs = new Set<BlobId>();
  const trees = new Set<BlobId>();
  const pointIds = await repo.listPointIds();
  for (const pointId of pointIds) {
    try {
      const point = await repo.loadPoint(pointId);
      await walkTrees(repo, point.body.root, pointId, trees, neededBlobs, problems);
    } catch (error) {
      note(objectKeys.point(pointId), error);
    }
  }

  const storedPacks = new Map<string, number>();
  for await (const object of repo.store.list('packs/')) storedPacks.set(object.key, object.size);
  const neededPacks = new Set<PackId>();
  for (const blobId of neededBlobs) {
    const location = repo.index.get(blobId);
    if (location === undefined) {
      problems.push({
        object: `blob ${blobId}`,
        message: `Blob ${blobId} is needed by a point but is in no index segment.`,
      });
      continue;
    }
    neededPacks.add(location.packId);
    const size = storedPacks.get(objectKeys.pack(location.packId));
    if (size === undefined) {
      problems.push({ object: objectKeys.pack(location.packId), message: `Pack ${location.packId} is missing.` });
    } else if (location.entry.offset + location.entry.length > size) {
      problems.push({ object: objectKeys.pack(location.packId), message: `Pack ${location.packId} is truncated.` });
    }
  }

  let bytesRead = 0;
  let blobs = 0;
  if (options.readData) {
    const packIds = [...repo.index.packIds()].filter((id) => storedPacks.has(objectKeys.pack(id)));
    await mapConcurrent(packIds, 2, async (packId) => {
      const key = objectKeys.pack(packId);
      try {
        const bytes = await repo.store.get(key);
        bytesRead += bytes.length;
        const entries = readPackEntries(repo.keys, packId, bytes);
        for (const entry of entries) {
          verifyBlob(repo.keys, packId, entry, bytes.subarray(entry.offset, entry.offset + entry.length));
          blobs++;
          checkIndexed(repo, packId, entry, problems);
        }
      } catch (error) {
        note(key, error);
      }
    });
  }
  const unreferencedPacks = [...storedPacks.keys()].filter((k) => !repo.index.hasPack(k.slice(9) as PackId)).length;
  return {
    points: pointIds.length,
    packs: repo.index.packCount,
    blobs: options.readData ? blobs : neededBlobs.size,
    trees: trees.size,
    bytesRead,
    unreferencedPacks,
    problems,
  };
}

async function check(object: string, problems: VerifyProblem[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    problems.push({ object, message: isAmberError(error) ? error.message : String(error) });
  }
}

async function walkTrees(
  repo: Repository,
  treeId: BlobId,
  pointId: PointId,
  trees: Set<BlobId>,
  needed: Set<BlobId>,
  problems: VerifyProblem[],
): Promise<void> {
  if (trees.has(treeId)) return;
  trees.add(treeId);
  needed.add(treeId);
  let nodes;
  try {
    nodes = await repo.readTree(treeId);
  } catch (error) {
    problems.push({
      object: `tree ${treeId} (point ${pointId})`,
      message: isAmberError(error) ? error.message : String(error),
    });
    return;
  }
  for (const node of nodes) {
    if (node.type === 'dir') await walkTrees(repo, node.subtree, pointId, trees, needed, problems);
    else if (node.type === 'file') for (const id of node.content) needed.add(id);
  }
}

function checkIndexed(repo: Repository, packId: PackId, entry: PackEntry, problems: VerifyProblem[]): void {
  const location = repo.index.get(entry.blobId);
  if (
    location?.packId === packId &&
    (location.entry.offset !== entry.offset || location.entry.length !== entry.length)
  ) {
    problems.push({
      object: objectKeys.pack(packId),
      message: `The index places blob ${entry.blobId} at a different offset than pack ${packId} does.`,
    });
  }
}
