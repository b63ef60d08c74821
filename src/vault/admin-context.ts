import type { Clock } from '../core/clock.js';
import {
  effectiveImmutability,
  storageLockModeFor,
  type StorageLockMode,
} from '../core/immutability/immutability-state.js';
import type { Catalog } from '../catalog/catalog.js';
import type { PointRow } from '../catalog/point-row.js';
import type { Repository } from '../engine/repository.js';
import type { VaultSettings } from '../format/vault-settings.js';
import type { PutOptions } from '../storage/object-store.js';
import type { AuditTrail } from './audit-trail.js';
import { loadSettings, saveSettings } from './settings-journal.js';
import { lockAllPoints } from './lock-points.js';
import { requiredLock } from './storage-locks.js';

/** What the vault's administrative use cases share: storage, catalog, clock, audit, settings. */
export class AdminContext {
  readonly repo: Repository;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly audit: AuditTrail;
  /** The shortest cooling-off a lock request may ask for (server configuration). */
  readonly minCoolingOffMs: number;
  #settings: VaultSettings | undefined;

  constructor(options: {
    repo: Repository;
    catalog: Catalog;
    clock: Clock;
    audit: AuditTrail;
    minCoolingOffMs: number;
  }) {
    this.repo = options.repo;
    this.catalog = options.catalog;
    this.clock = options.clock;
    this.audit = options.audit;
    this.minCoolingOffMs = options.minCoolingOffMs;
  }

  async settings(): Promise<VaultSettings> {
    this.#settings ??= await loadSettings(this.repo, this.clock);
    return this.#settings;
  }

  /** A `locking` vault whose cooling-off has ended and which is not stored as `locked` yet. */
  async lockIsDue(): Promise<boolean> {
    const { immutability } = await this.settings();
    return (
      immutability.state === 'locking' && effectiveImmutability(immutability, this.clock.nowMs()).state === 'locked'
    );
  }

  /**
   * Stores a lock whose cooling-off has ended as `locked`, as soon as the service sees it, so that a
   * clock moved back later cannot reopen the cooling-off; audits it and raises every storage lock the
   * points need to compliance. Returns whether it did.
   */
  async settleLock(): Promise<boolean> {
    if (!(await this.lockIsDue())) return false;
    const { immutability } = await this.settings();
    await this.updateSettings({ immutability: effectiveImmutability(immutability, this.clock.nowMs()) });
    await this.audit.ok(
      'immutability.locked',
      this.repo.vaultId,
      'The cooling-off ended: the vault is now locked (compliance).',
    );
    await lockAllPoints(this);
    return true;
  }

  /** The lock mode storage must enforce now (a locking vault past its cooling-off is locked). */
  async lockMode(): Promise<StorageLockMode> {
    const settings = await this.settings();
    return storageLockModeFor(effectiveImmutability(settings.immutability, this.clock.nowMs()).state);
  }

  /**
   * Whether storage deletions may bypass governance locks on the service's own authority: only in a
   * disabled vault, where the rules allow deleting before retainUntil and the governance locks left by
   * an earlier enabled period are stale (a vault that was ever locked is never disabled again, so no
   * compliance lock is bypassed; legal holds never yield).
   */
  async governanceLocksAreStale(): Promise<boolean> {
    return (await this.lockMode()) === 'none';
  }

  /** Put options for a new object a point needs (its lock, if the vault locks anything). */
  async putOptionsFor(retainUntil: number): Promise<PutOptions | undefined> {
    const settings = await this.settings();
    const lock = requiredLock(await this.lockMode(), retainUntil, settings.lockGenerationDays, this.clock.nowMs());
    return lock === undefined ? undefined : { lock };
  }

  async updateSettings(changes: Parameters<typeof saveSettings>[2]): Promise<VaultSettings> {
    const previous = await this.settings();
    const next = { ...previous, ...changes };
    // The settings document is locked like the points: it says what the vault promises.
    const longest = Math.max(this.clock.nowMs(), ...(await this.catalog.listPoints()).map((p) => p.retainUntil));
    const mode = storageLockModeFor(effectiveImmutability(next.immutability, this.clock.nowMs()).state);
    const lock = requiredLock(mode, longest, next.lockGenerationDays, this.clock.nowMs());
    this.#settings = await saveSettings(
      this.repo,
      previous,
      changes,
      this.clock,
      lock === undefined ? undefined : { lock },
    );
    return this.#settings;
  }

  isHeld(settings: VaultSettings, point: PointRow): boolean {
    return settings.holds.some((h) => h.pointId === point.id);
  }
}
