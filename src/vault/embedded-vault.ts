import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { objectKeys, type BlobId, type PointId } from '../core/ids.js';
import { DEFAULT_COOLING_OFF_MS } from '../core/immutability/immutability-state.js';
import { Catalog } from '../catalog/catalog.js';
import type { PointRow } from '../catalog/point-row.js';
import type { KdfCost } from '../format/key-envelope.js';
import type { VaultHeader } from '../format/vault-header.js';
import type { ListedObject, ObjectInfo, ObjectStore, ProbeReport } from '../storage/object-store.js';
import { planArchive, type ArchivePlan } from '../engine/archive-plan.js';
import { archive, startArchiveWorkers, type ArchiveProgress, type ArchiveResult } from '../engine/archiver.js';
import { matchFilesCache } from '../engine/cache-match.js';
import { FilesCache } from '../engine/files-cache.js';
import { IndexSnapshot } from '../engine/index-snapshot.js';
import { listObjectIds, Repository } from '../engine/repository.js';
import { restorePoint, type RestoreProgress } from '../engine/restorer.js';
import { verifyRepository, type VerifyReport } from '../engine/verifier.js';
import { walkSources } from '../engine/walker.js';
import { listPointFiles } from './list-point-files.js';
import { pointRowFrom } from './point-rows.js';
import { AdminContext } from './admin-context.js';
import { AuditTrail } from './audit-trail.js';
import { backupRetention } from './backup-retention.js';
import { findItem } from './policy-admin.js';
import { applyLocks, requireLock, vaultWideKeys } from './storage-locks.js';
import { acquireActivityLock } from './vault-activity-lock.js';
import type { ObjectLock } from '../storage/object-store.js';
import type { ItemSettings, LegalHold, PolicySettings } from '../format/vault-settings.js';
import type { AuditFilter, StoredAuditEvent } from '../catalog/audit-event.js';
import type { AuditLog } from '../catalog/audit-log.js';
import type { AuditAnchor, AuditVerifyReport } from '../core/audit-chain.js';
import { anchorAuditTrail, readAuditAnchors, type AuditHeadSource } from './audit-anchor.js';
import {
  cancelVaultLock,
  disableVaultImmutability,
  enableVaultImmutability,
  lockVaultImmutability,
  setVaultOptions,
  showVault,
  type ImmutabilityView,
} from './immutability-admin.js';
import { runMaintenance, type MaintenanceReport } from './maintenance.js';
import type { ExpiryFreeze } from './clock-guard.js';
import { addKey, listKeys, removeKey, type KeyView } from './key-admin.js';
import { deleteVault } from './vault-deletion.js';
import { deletePoint } from './point-deletion.js';
import { releaseLegalHold, setLegalHold } from './legal-holds.js';
import { addItem, createPolicy, moveItem, updatePolicy, type PolicyInput } from './policy-admin.js';
import { stopItem, type StopOutcome } from './stop-protection.js';
import { resolvePointRef } from './point-resolver.js';
import { syncCatalog } from './sync-catalog.js';
import { validateItemName, validateRetainDays } from './validate.js';
import { localVaultLocation, type VaultLocation } from './vault-location.js';
import { newBackupSessionId, type ArchiveUpload, type BackupSession } from './backup-session.js';
import { checkUploadComplete, storeUpload } from './upload-checks.js';
import type {
  BackupOutcome,
  BackupRequest,
  ListedNode,
  RestoreOutcome,
  RestoreRequest,
  VaultService,
} from './vault-service.js';

export interface EmbeddedVaultOptions {
  /** A local vault directory; or give `location` (e.g. an S3 bucket). */
  readonly dir?: string;
  readonly location?: VaultLocation;
  readonly clock: Clock;
  /** Where the files cache lives on this host (e.g. ~/.cache/amber). */
  readonly cacheDir: string;
  /** Asked only when a command needs to decrypt (so `doctor` and in-sync listings never prompt). */
  readonly passphrase: () => Promise<string>;
  /** Worker threads for backups and restores (default: the engine's, one per CPU). */
  readonly workerCount?: number;
  /** Who acts, for the audit trail (embedded mode: the local user). */
  readonly actor?: string | (() => string);
  /** The audit log to record to (the server's); default: the vault catalog's. */
  readonly auditLog?: AuditLog;
  /** The shortest cooling-off a lock request may ask for; default 72 hours. */
  readonly minCoolingOffMs?: number;
  /**
   * Start unlocking (the passphrase KDF, ~0.2 s on the thread pool) as soon as the vault header is
   * read, for a command that will need the key (a backup): the catalog opens meanwhile.
   */
  readonly unlockAtOpen?: boolean;
}

const CATALOG_FILE = 'catalog.sqlite';

/** What a command reads of the index before it has the key (see #repoWithIndex). */
interface EarlyIndex {
  readonly snapshot: IndexSnapshot | undefined;
  readonly listed: string[];
}

/** Asks for the passphrase and opens the repository with it (the KDF runs on the thread pool). */
function unlock(options: EmbeddedVaultOptions, store: ObjectStore, header: VaultHeader): Promise<Repository> {
  return options.passphrase().then((passphrase) => Repository.open(store, passphrase, header));
}

/** The vault service running in-process on a local vault directory (embedded mode). */
export class EmbeddedVault implements VaultService {
  readonly location: string;
  readonly #options: EmbeddedVaultOptions;
  readonly #store: ObjectStore;
  readonly #header: VaultHeader;
  readonly #catalog: Catalog;
  #repo: Promise<Repository> | undefined;
  #indexLoaded: Promise<Repository> | undefined;
  /** The local index snapshot and the segments storage lists, read for the load in progress (no key needed). */
  #indexEarly: Promise<EarlyIndex> | undefined;
  /** The index segments in storage when the index was loaded, and those this process wrote since. */
  #indexListing: Set<string> | undefined;
  #adminContext: Promise<AdminContext> | undefined;
  #synced = false;
  /** Who did what, in the vault's trail (or the log the options inject). */
  readonly #audit: AuditTrail;

  private constructor(options: EmbeddedVaultOptions, store: ObjectStore, header: VaultHeader, catalog: Catalog) {
    this.#options = options;
    this.#store = store;
    this.#header = header;
    this.#catalog = catalog;
    this.location = store.location;
    this.#audit = new AuditTrail(this.#auditLog, options.clock, options.actor ?? 'local');
  }

  /** Creates a vault in an empty (or new) directory, or at `location` (an S3 prefix, after its preflight). */
  static async init(
    where: string | VaultLocation,
    options: { clock: Clock; passphrase: string; kdf?: KdfCost },
  ): Promise<{ vaultId: string; location: string }> {
    const location = typeof where === 'string' ? localVaultLocation(where, options.clock) : where;
    const store = await location.openForCreate();
    try {
      const repo = await Repository.create(store, options);
      await mkdir(location.stateDir, { recursive: true });
      const catalog = await Catalog.open(path.join(location.stateDir, CATALOG_FILE));
      await catalog.setMeta('vaultId', repo.vaultId);
      await catalog.close();
      return { vaultId: repo.vaultId, location: store.location };
    } finally {
      await store.close();
    }
  }

  static async open(options: EmbeddedVaultOptions): Promise<EmbeddedVault> {
    const location = locationOf(options);
    const store = await location.openExisting();
    try {
      const header = await Repository.readHeader(store);
      const unlocking = options.unlockAtOpen === true ? unlock(options, store, header) : undefined;
      unlocking?.catch(() => undefined); // awaited by the command that needs it; never unhandled
      await mkdir(location.stateDir, { recursive: true });
      const catalog = await Catalog.open(path.join(location.stateDir, CATALOG_FILE));
      const vault = new EmbeddedVault({ ...options, location }, store, header, catalog);
      vault.#repo = unlocking;
      return vault;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async backup(request: BackupRequest, onProgress?: (p: ArchiveProgress) => void): Promise<BackupOutcome> {
    validateItemName(request.item);
    validateRetainDays(request.retainDays);
    const release = await acquireActivityLock(this.#lockDir, 'backup');
    try {
      return await this.#backup(request, onProgress);
    } finally {
      await release();
    }
  }

  async #backup(request: BackupRequest, onProgress?: (p: ArchiveProgress) => void): Promise<BackupOutcome> {
    // The passphrase KDF and index load (started first, on the thread pool) overlap the walk.
    const repoPromise = this.#currentIndex();
    const cachePromise = FilesCache.load(this.#options.cacheDir, this.#header.vaultId, request.item);
    const paths = request.paths.length > 0 ? request.paths : await this.#itemPaths(request.item);
    repoPromise.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
    const early = this.#indexEarly;
    const [filesCache, walk] = await Promise.all([cachePromise, walkSources(paths)]);
    // On this thread, while the KDF runs on the pool: match the files cache, and plan against the
    // index snapshot when it stands for storage's index (followed only if it proves authentic).
    const cacheMatch = matchFilesCache(walk, filesCache);
    const workers = startArchiveWorkers(walk, cacheMatch, this.#options.workerCount);
    let plan: ArchivePlan | undefined;
    const snapshot = await early?.catch(() => undefined);
    if (snapshot?.snapshot?.standsFor(snapshot.listed) === true) {
      plan = planArchive(walk, cacheMatch, filesCache, snapshot.snapshot.index);
    }
    let result: ArchiveResult;
    let session: Omit<BackupSession, 'release'>;
    let repo: Repository;
    try {
      repo = await repoPromise;
      session = await this.#openSession(request);
      result = await archive(repo, walk, {
        clock: this.#options.clock,
        filesCache,
        cacheMatch,
        ...(plan === undefined ? {} : { plan }),
        ...(workers === undefined ? {} : { workers }),
        ...(session.putOptions === undefined ? {} : { putOptions: session.putOptions }),
        ...(this.#options.workerCount === undefined ? {} : { workerCount: this.#options.workerCount }),
        ...(onProgress === undefined ? {} : { onProgress }),
      });
    } finally {
      await workers?.close();
    }
    // The index is final once the archive's segment is stored: its snapshot is written while the
    // commit's writes wait on the disk (it stands for segments in storage, committed or not).
    const snapshotSaved = this.#saveIndexSnapshot(repo);
    const point = await this.#commit(session, {
      ...result,
      warnings: result.warnings.length,
      paths: walk.root.children.length === 0 ? [] : [...new Set(paths.map((p) => path.resolve(p)))],
    });
    await Promise.all([result.saveFilesCache(point.id), snapshotSaved]);
    return {
      point,
      stats: {
        ...result.stats,
        durationMs: Math.round(this.#options.clock.monotonicMs() - session.startedMonotonicMs),
      },
      warnings: result.warnings,
    };
  }

  /**
   * Opens a backup session for a client that archives on its own host and uploads (the server's data
   * plane): holds the vault's backup activity lock until the session is committed or released.
   */
  async beginBackup(request: Omit<BackupRequest, 'paths'>): Promise<BackupSession> {
    validateItemName(request.item);
    validateRetainDays(request.retainDays);
    const release = await acquireActivityLock(this.#lockDir, 'backup');
    try {
      return { ...(await this.#openSession(request)), release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Stores one object a client uploaded in a session (a pack or an index segment), with the session's locks. */
  async putUploaded(session: BackupSession, key: string, bytes: Buffer): Promise<'stored' | 'exists'> {
    const repo = await this.#openRepo();
    return storeUpload(repo, key, bytes, session.putOptions);
  }

  /** Commits what a client uploaded in the session as a recovery point, and ends the session. */
  async commitBackup(session: BackupSession, upload: ArchiveUpload): Promise<PointRow> {
    try {
      await checkUploadComplete(this.#store, upload);
      return await this.#commit(session, upload);
    } finally {
      await session.release();
    }
  }

  /** Fixes the point's time (the vault's clock), retention and storage locks. */
  async #openSession(request: Omit<BackupRequest, 'paths'>): Promise<Omit<BackupSession, 'release'>> {
    const { clock } = this.#options;
    const startedMonotonicMs = clock.monotonicMs();
    // Server time, never the client's: it drives retention (DESIGN §2.3).
    const createdAt = clock.nowMs();
    await this.#sync();
    const admin = await this.#admin();
    await admin.settleLock();
    const retention = await backupRetention(admin, request, createdAt);
    return {
      id: newBackupSessionId(),
      item: request.item,
      createdAt,
      retention,
      putOptions: await admin.putOptionsFor(retention.retainUntil),
      hostname: request.hostname,
      tags: [...retention.tags, ...(request.tags ?? [])],
      startedMonotonicMs,
    };
  }

  async #commit(session: Omit<BackupSession, 'release'>, upload: ArchiveUpload): Promise<PointRow> {
    const repo = await this.#openRepo();
    const admin = await this.#admin();
    const { putOptions, retention } = session;
    const parent = await this.#catalog.latestPoint(session.item);
    const header = {
      formatVersion: 1 as const,
      vaultId: this.#header.vaultId,
      item: session.item,
      createdAt: session.createdAt,
      retainUntil: retention.retainUntil,
      tags: [...session.tags],
      hostname: session.hostname,
      paths: [...upload.paths],
    };
    const durationMs = Math.round(this.#options.clock.monotonicMs() - session.startedMonotonicMs);
    const body = {
      root: upload.root,
      indexIds: [...upload.indexIds],
      packIds: [...upload.packIds],
      stats: { ...upload.stats, durationMs, warnings: upload.warnings },
      ...(parent === undefined ? {} : { parent: parent.id }),
    };
    if (putOptions?.lock !== undefined) {
      // Reused packs and segments, the header and the keys must be locked as long as this point.
      const requirements = new Map<string, ObjectLock>();
      const vaultWide = await vaultWideKeys(repo.store);
      for (const key of [
        ...upload.packIds.map(objectKeys.pack),
        ...upload.indexIds.map(objectKeys.index),
        ...vaultWide,
      ]) {
        requireLock(requirements, key, putOptions.lock);
      }
      await applyLocks(repo.store, requirements);
    }
    // Segments a client uploaded are in storage but not in this index: left out here, they make the
    // next use see a listing it does not know and load the index again (#currentIndex).
    for (const id of repo.indexedSegments) this.#indexListing?.add(id);
    const pointId = await repo.putPoint(header, body, putOptions);
    const point = { ...pointRowFrom(pointId, header, body), lockMode: putOptions?.lock?.mode ?? ('none' as const) };
    await this.#catalog.addPoint(point);
    await admin.audit.ok('point.create', pointId, `Recovery point ${pointId} of ${session.item} committed.`, {
      retainUntil: toIso(retention.retainUntil),
      reasons: retention.reasons,
    });
    return point;
  }

  /** Read-only access to stored objects, for the server's data plane (clients restoring, deduplicating). */
  readonly objects = {
    get: (key: string): Promise<Buffer> => this.#store.get(key),
    getRange: (key: string, offset: number, length: number): Promise<Buffer> =>
      this.#store.getRange(key, offset, length),
    stat: (key: string): Promise<ObjectInfo> => this.#store.stat(key),
    list: (prefix: string): AsyncIterable<ListedObject> => this.#store.list(prefix),
  };

  /** Records a refusal decided outside the vault service (e.g. the server's permission check) in its trail. */
  async recordRefusal(action: string, target: string, error: AmberError): Promise<void> {
    await this.#audit.error(action, target, error, 'refused');
  }

  /** The item of a point and the keys of every object it needs (its manifest, packs and index segments). */
  async pointObjects(id: PointId): Promise<{ item: string; keys: Set<string> }> {
    const point = await (await this.#openRepo()).loadPoint(id);
    return {
      item: point.header.item,
      keys: new Set([
        objectKeys.point(id),
        ...point.body.packIds.map(objectKeys.pack),
        ...point.body.indexIds.map(objectKeys.index),
      ]),
    };
  }

  async listPoints(filter: { item?: string } = {}): Promise<PointRow[]> {
    await this.#sync();
    return this.#catalog.listPoints(filter);
  }

  async resolvePoint(ref: string, item?: string): Promise<PointRow> {
    await this.#sync();
    return resolvePointRef(this.#catalog, ref, item);
  }

  async listFiles(ref: string, insidePath?: string): Promise<ListedNode[]> {
    const repo = await this.#currentIndex();
    const root = await this.#authenticatedRoot(repo, await this.resolvePoint(ref));
    return listPointFiles(repo, root, insidePath ?? '/');
  }

  async restore(request: RestoreRequest, onProgress?: (p: RestoreProgress) => void): Promise<RestoreOutcome> {
    const point = await this.resolvePoint(request.ref, request.item);
    const startedMs = this.#options.clock.monotonicMs();
    const repo = await this.#currentIndex();
    const result = await restorePoint(repo, await this.#authenticatedRoot(repo, point), {
      target: request.target,
      includes: request.includes,
      clock: this.#options.clock,
      ...(this.#options.workerCount === undefined ? {} : { workerCount: this.#options.workerCount }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return { ...result, pointId: point.id, durationMs: Math.round(this.#options.clock.monotonicMs() - startedMs) };
  }

  async verify(options: { readData: boolean }): Promise<VerifyReport> {
    return verifyRepository(await this.#openRepo(), options);
  }

  async doctor(): Promise<ProbeReport> {
    return this.#store.probe();
  }

  async rebuildCatalog(): Promise<{ points: number }> {
    const repo = await this.#openRepo();
    const rows: PointRow[] = [];
    for (const id of await repo.listPointIds()) rows.push(await this.#rowFromStorage(repo, id));
    await this.#catalog.replaceAllPoints(rows);
    await this.#catalog.setMeta('vaultId', this.#header.vaultId);
    this.#synced = true;
    return { points: rows.length };
  }

  async close(): Promise<void> {
    await this.#catalog.close();
    await this.#store.close();
  }

  showVault = (): Promise<ImmutabilityView> => this.admin((ctx) => showVault(ctx));
  enableImmutability = (): Promise<ImmutabilityView> => this.admin((ctx) => enableVaultImmutability(ctx));
  disableImmutability = (): Promise<ImmutabilityView> => this.admin((ctx) => disableVaultImmutability(ctx));
  lockImmutability = (request: { coolingOffMs: number; confirmedIrreversible: boolean }): Promise<ImmutabilityView> =>
    this.admin((ctx) => lockVaultImmutability(ctx, request));
  cancelLock = (): Promise<ImmutabilityView> => this.admin((ctx) => cancelVaultLock(ctx));
  setVaultOptions = (options: Parameters<typeof setVaultOptions>[1]): Promise<ImmutabilityView> =>
    this.admin((ctx) => setVaultOptions(ctx, options));
  createPolicy = (input: PolicyInput): Promise<PolicySettings> => this.admin((ctx) => createPolicy(ctx, input));
  updatePolicy = (name: string, changes: Parameters<typeof updatePolicy>[2]): Promise<PolicySettings> =>
    this.admin((ctx) => updatePolicy(ctx, name, changes));
  listPolicies = (): Promise<readonly PolicySettings[]> => this.admin(async (ctx) => (await ctx.settings()).policies);
  addItem = (input: { name: string; policy: string; paths: readonly string[] }): Promise<ItemSettings> =>
    this.admin((ctx) => addItem(ctx, { ...input, paths: input.paths.map((p) => path.resolve(p)) }));
  moveItem = (name: string, policy: string): Promise<ItemSettings> => this.admin((ctx) => moveItem(ctx, name, policy));
  stopItem = (name: string, deleteData: boolean): Promise<StopOutcome> =>
    this.admin((ctx) => stopItem(ctx, name, deleteData));
  listItems = (): Promise<readonly ItemSettings[]> => this.admin(async (ctx) => (await ctx.settings()).items);
  deletePoint = async (ref: string, options: { bypassGovernance: boolean; approved?: boolean }): Promise<PointId> => {
    const point = await this.resolvePoint(ref);
    await this.admin((ctx) => deletePoint(ctx, point.id, options));
    return point.id;
  };
  setLegalHold = async (ref: string, reason: string): Promise<PointId> => {
    const point = await this.resolvePoint(ref);
    await this.admin((ctx) => setLegalHold(ctx, point.id, reason));
    return point.id;
  };
  /** The legal hold on a point, with its reason and since when; undefined when it is not held. */
  legalHoldOf = async (ref: string): Promise<LegalHold | undefined> => {
    const point = await this.resolvePoint(ref);
    return this.admin(async (ctx) => (await ctx.settings()).holds.find((hold) => hold.pointId === point.id));
  };
  releaseLegalHold = async (ref: string): Promise<PointId> => {
    const point = await this.resolvePoint(ref);
    await this.admin((ctx) => releaseLegalHold(ctx, point.id));
    return point.id;
  };
  runMaintenance = async (options: { dryRun: boolean; expiryFrozen?: ExpiryFreeze }): Promise<MaintenanceReport> => {
    const report = await this.maintenance((ctx) => runMaintenance(ctx, options));
    // The in-memory index still lists the packs just deleted: a backup must not deduplicate against them.
    if (!report.dryRun && (report.deletedPacks.length > 0 || report.deletedIndexSegments > 0)) {
      this.#forgetRepository();
    }
    return report;
  };
  listAudit = (filter?: AuditFilter): Promise<StoredAuditEvent[]> => this.#auditLog.list(filter);

  deleteVault = (): Promise<{ deletedObjects: number }> => this.maintenance((ctx) => deleteVault(ctx));
  listKeys = (): Promise<KeyView[]> => this.admin((ctx) => listKeys(ctx));
  addKey = (passphrase: string, label: string): Promise<KeyView> => this.admin((ctx) => addKey(ctx, passphrase, label));
  removeKey = (id: string): Promise<void> => this.admin((ctx) => removeKey(ctx, id));

  /** The administrative use cases' context (needs the passphrase: settings are sealed). */
  #admin(): Promise<AdminContext> {
    this.#adminContext ??= this.#openRepo().then(
      (repo) =>
        new AdminContext({
          repo,
          catalog: this.#catalog,
          clock: this.#options.clock,
          audit: this.#audit,
          minCoolingOffMs: this.#options.minCoolingOffMs ?? DEFAULT_COOLING_OFF_MS,
        }),
    );
    return this.#adminContext;
  }

  /** Runs an administrative use case with the vault's context (a lock whose cooling-off ended is stored first). */
  async admin<T>(work: (ctx: AdminContext) => Promise<T>): Promise<T> {
    await this.#sync();
    const ctx = await this.#admin();
    await ctx.settleLock();
    return work(ctx);
  }

  /**
   * Runs maintenance alone: no backup may run meanwhile (GC must not delete what a backup reuses).
   * Maintenance settles a due lock itself (and only reports it on a dry run).
   */
  async maintenance<T>(work: (ctx: AdminContext) => Promise<T>): Promise<T> {
    const release = await acquireActivityLock(this.#lockDir, 'maintenance');
    try {
      await this.#sync();
      return await work(await this.#admin());
    } finally {
      await release();
    }
  }

  async #itemPaths(name: string): Promise<readonly string[]> {
    const items = (await (await this.#admin()).settings()).items;
    if (!items.some((i) => i.name === name)) {
      throw new AmberError(
        'USAGE',
        `Give paths to back up, or name a protected item with --item (there is no item ${name}).`,
      );
    }
    return findItem(items, name).paths;
  }

  get #lockDir(): string {
    return locationOf(this.#options).stateDir;
  }

  /** Makes the catalog agree with the manifests in storage (a crash may have left it behind). */
  async #sync(): Promise<void> {
    if (this.#synced) return;
    await syncCatalog(this.#store, this.#catalog, async (id) => this.#rowFromStorage(await this.#openRepo(), id));
    this.#synced = true;
  }

  /**
   * The root tree as the point's own manifest states it (authenticated), never as the catalog
   * remembers it: an edited catalog cannot send a restore to another tree.
   */
  async #authenticatedRoot(repo: Repository, row: PointRow): Promise<BlobId> {
    const point = await repo.loadPoint(row.id);
    if (point.header.vaultId !== this.#header.vaultId) {
      throw new AmberError('CORRUPT_OBJECT', `The manifest of point ${row.id} belongs to another vault.`, {
        details: { object: objectKeys.point(row.id) },
      });
    }
    return point.body.root;
  }

  async #rowFromStorage(repo: Repository, id: PointId): Promise<PointRow> {
    const point = await repo.loadPoint(id);
    return pointRowFrom(id, point.header, point.body, await this.#store.stat(objectKeys.point(id)));
  }

  #openRepo(): Promise<Repository> {
    this.#repo ??= unlock(this.#options, this.#store, this.#header);
    return this.#repo;
  }

  /**
   * The repository with its index: from the local snapshot when it stands for the segments storage
   * lists and proves authentic under the vault's key, else loaded from storage (and the snapshot
   * written anew). The snapshot and the listing are read while the KDF runs (`#indexEarly`).
   */
  #repoWithIndex(): Promise<Repository> {
    if (this.#indexLoaded === undefined) {
      const early = Promise.all([IndexSnapshot.read(this.#snapshotFile), listObjectIds(this.#store, 'index/')]).then(
        ([snapshot, listed]) => ({ snapshot, listed }),
      );
      early.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
      this.#indexEarly = early;
      this.#indexLoaded = this.#openRepo().then(async (repo) => {
        const { snapshot, listed } = await early;
        if (snapshot?.standsFor(listed) === true && snapshot.isAuthentic(repo.localCacheKey)) {
          repo.adoptIndex(snapshot.index, listed);
        } else {
          await repo.loadIndex(listed);
          await this.#saveIndexSnapshot(repo);
        }
        this.#indexListing = new Set(repo.indexedSegments);
        return repo;
      });
    }
    return this.#indexLoaded;
  }

  get #snapshotFile(): string {
    return IndexSnapshot.file(this.#options.cacheDir, this.#header.vaultId);
  }

  /** Writes the index snapshot; a failure only costs the next command a full load (it is a cache). */
  async #saveIndexSnapshot(repo: Repository): Promise<void> {
    await IndexSnapshot.write(this.#snapshotFile, repo.localCacheKey, repo.index, repo.indexedSegments).catch(
      () => undefined,
    );
  }

  /**
   * The repository with an index that matches storage: when the index segments changed since it was
   * loaded (another process collected garbage, which rewrites the index and deletes packs; a client
   * committed segments it uploaded), it is loaded afresh, so that a backup never deduplicates against
   * a blob whose pack is gone and a restore or a listing finds every blob a point needs.
   */
  async #currentIndex(): Promise<Repository> {
    const loaded = this.#indexLoaded;
    const known = this.#indexListing;
    if (loaded !== undefined && known !== undefined) {
      const listing = await (await loaded).listIds('index/');
      if (listing.length !== known.size || listing.some((id) => !known.has(id))) this.#forgetRepository();
    }
    return this.#repoWithIndex();
  }

  /** Drops the unlocked repository, its index and the admin context; the next use opens them again. */
  #forgetRepository(): void {
    this.#repo = undefined;
    this.#indexLoaded = undefined;
    this.#indexEarly = undefined;
    this.#indexListing = undefined;
    this.#adminContext = undefined;
  }

  /** Verifies the audit chain and compares it with every anchor in the vault's storage (no passphrase needed). */
  verifyAudit = async (): Promise<AuditVerifyReport> => this.#auditLog.verify(await readAuditAnchors(this.#store));

  /**
   * Writes the head of the vault's audit trail — or of another trail (`other`: the server's own, under
   * audit/<trail>/) — to storage as a locked anchor, when it moved since the last one.
   */
  anchorAudit = (other?: { source: AuditHeadSource; trail: string }): Promise<AuditAnchor | undefined> =>
    this.admin((ctx) => anchorAuditTrail(ctx, other));

  /** The anchors of another trail stored in this vault (e.g. the server's, to verify it). */
  readAuditAnchors = (trail: string): Promise<AuditAnchor[]> => readAuditAnchors(this.#store, trail);

  /** The audit log the vault records to: the one the server injects, else the catalog's. */
  get #auditLog(): AuditLog {
    return this.#options.auditLog ?? this.#catalog.audit;
  }
}

function locationOf(options: EmbeddedVaultOptions): VaultLocation {
  if (options.location !== undefined) return options.location;
  if (options.dir === undefined) throw new AmberError('USAGE', 'Name the vault: a directory or a location.');
  return localVaultLocation(options.dir, options.clock);
}
