import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { objectKeys } from '../core/ids.js';
import type { PointRow } from '../catalog/point-row.js';
import { archive, type ArchiveProgress, type ArchiveResult } from '../engine/archiver.js';
import { FilesCache } from '../engine/files-cache.js';
import { Repository } from '../engine/repository.js';
import { restorePoint, type RestoreProgress } from '../engine/restorer.js';
import { walkSources } from '../engine/walker.js';
import type { BackupOutcome, BackupRequest, RestoreOutcome, RestoreRequest } from '../vault/vault-service.js';
import type { ApiClient } from './api-client.js';
import { RemoteStore } from './remote-store.js';

/** What a backup or restore against a server needs on this host. */
export interface RemoteEngineOptions {
  readonly api: ApiClient;
  readonly vault: string;
  readonly clock: Clock;
  /** Where the files cache lives on this host. */
  readonly cacheDir: string;
  readonly passphrase: () => Promise<string>;
  readonly workerCount?: number;
}

/** The answer to `POST …/backups`: the server fixed the point's time and retention. */
export interface OpenedSession {
  readonly sessionId: string;
  readonly createdAt: number;
  readonly retainUntil: number;
}

/**
 * Backs up `request.paths` on this host into a server's vault: the server opens a session (its clock, its retention,
 * its locks), this host walks, chunks, deduplicates against the vault's index, compresses, encrypts
 * and uploads packs and an index segment through the session, then asks the server to commit the
 * point. On any failure the session is abandoned, so the server's hold on the vault ends at once.
 */
export async function remoteBackup(
  options: RemoteEngineOptions,
  request: BackupRequest,
  onProgress?: (p: ArchiveProgress) => void,
): Promise<BackupOutcome> {
  const { api, clock } = options;
  const startedMs = clock.monotonicMs();
  const store = new RemoteStore(api, options.vault);
  const sessionPromise = openSession(options, request);
  const repoPromise = openRepository(store, options.passphrase);
  const walkPromise = walkSources(request.paths);
  const cachePromise = repoPromise.then((repo) => FilesCache.load(options.cacheDir, repo.vaultId, request.item));
  // Whatever fails first is reported; the others must not surface as unhandled rejections.
  for (const pending of [repoPromise, walkPromise, cachePromise]) pending.catch(() => undefined);
  let session: OpenedSession | undefined;
  try {
    session = await sessionPromise;
    store.useSession(session.sessionId);
    const repo = await repoPromise;
    // Loaded only once the session holds the vault: no garbage collection can remove what it lists.
    await repo.loadIndex();
    const [walk, filesCache] = await Promise.all([walkPromise, cachePromise]);
    const result = await archive(repo, walk, {
      clock,
      filesCache,
      ...(options.workerCount === undefined ? {} : { workerCount: options.workerCount }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const committed = walk.root.children.length === 0 ? [] : [...new Set(request.paths.map((p) => path.resolve(p)))];
    const point = await commit(options, session.sessionId, result, committed);
    session = undefined;
    await result.saveFilesCache(point.id);
    return {
      point,
      stats: { ...result.stats, durationMs: Math.round(clock.monotonicMs() - startedMs) },
      warnings: result.warnings,
    };
  } finally {
    if (session !== undefined) await abandon(options, session.sessionId);
  }
}

/**
 * Restores a point of a server's vault onto this host: the manifest, trees and packs are read through
 * the server and authenticated here; the root comes from the point's own manifest, never from the
 * server's catalog row.
 */
export async function remoteRestore(
  options: RemoteEngineOptions,
  point: PointRow,
  request: RestoreRequest,
  onProgress?: (p: RestoreProgress) => void,
): Promise<RestoreOutcome> {
  const { clock } = options;
  const startedMs = clock.monotonicMs();
  const repo = await openRepository(new RemoteStore(options.api, options.vault), options.passphrase);
  const [manifest] = await Promise.all([repo.loadPoint(point.id), repo.loadIndex()]);
  if (manifest.header.vaultId !== repo.vaultId) {
    throw new AmberError('CORRUPT_OBJECT', `The manifest of point ${point.id} belongs to another vault.`, {
      details: { object: objectKeys.point(point.id) },
    });
  }
  const result = await restorePoint(repo, manifest.body.root, {
    target: request.target,
    includes: request.includes,
    clock,
    ...(options.workerCount === undefined ? {} : { workerCount: options.workerCount }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  return { ...result, pointId: point.id, durationMs: Math.round(clock.monotonicMs() - startedMs) };
}

async function openRepository(store: RemoteStore, passphrase: () => Promise<string>): Promise<Repository> {
  const [header, secret] = await Promise.all([Repository.readHeader(store), passphrase()]);
  return Repository.open(store, secret, header);
}

function vaultPath(vault: string): string {
  return `/api/v1/vaults/${encodeURIComponent(vault)}`;
}

async function openSession(options: RemoteEngineOptions, request: BackupRequest): Promise<OpenedSession> {
  const opened = await options.api.request<OpenedSession>('POST', `${vaultPath(options.vault)}/backups`, {
    body: {
      item: request.item,
      retainDays: request.retainDays,
      tags: [...(request.tags ?? [])],
      hostname: request.hostname,
    },
  });
  if (typeof opened?.sessionId !== 'string') {
    throw new AmberError('SERVER_UNREACHABLE', 'The server opened a backup session without naming it.');
  }
  return opened;
}

async function commit(
  options: RemoteEngineOptions,
  sessionId: string,
  result: ArchiveResult,
  paths: readonly string[],
): Promise<PointRow> {
  const answer = await options.api.request<{ point?: PointRow }>(
    'POST',
    `${vaultPath(options.vault)}/backups/${encodeURIComponent(sessionId)}/commit`,
    {
      body: {
        root: result.root,
        indexIds: result.indexIds,
        packIds: result.packIds,
        stats: result.stats,
        warnings: result.warnings.length,
        paths,
      },
    },
  );
  if (answer?.point === undefined) {
    throw new AmberError('SERVER_UNREACHABLE', 'The server committed the backup without returning its point.');
  }
  return answer.point;
}

/** Best effort: a session the server no longer knows, or a server gone, changes nothing here. */
async function abandon(options: RemoteEngineOptions, sessionId: string): Promise<void> {
  try {
    await options.api.request('DELETE', `${vaultPath(options.vault)}/backups/${encodeURIComponent(sessionId)}`, {
      sendWhileStopping: true,
    });
  } catch {
    // The server releases an idle session by itself (BackupSessions.sweep).
  }
}
