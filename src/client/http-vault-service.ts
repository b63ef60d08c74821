import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { MS_PER_HOUR } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { PointId } from '../core/ids.js';
import type { AuditVerifyReport } from '../core/audit-chain.js';
import type { RetentionPolicy } from '../core/retention/retention-policy.js';
import type { AuditFilter, StoredAuditEvent } from '../catalog/audit-event.js';
import type { PointRow } from '../catalog/point-row.js';
import type { ArchiveProgress } from '../engine/archiver.js';
import type { RestoreProgress } from '../engine/restorer.js';
import type { VerifyReport } from '../engine/verifier.js';
import type { ItemSettings, PolicySettings } from '../format/vault-settings.js';
import type { ProbeReport } from '../storage/object-store.js';
import type { ImmutabilityView } from '../vault/immutability-admin.js';
import type { KeyView } from '../vault/key-admin.js';
import type { MaintenanceReport } from '../vault/maintenance.js';
import type { PolicyInput } from '../vault/policy-admin.js';
import type { StopOutcome } from '../vault/stop-protection.js';
import { validateItemName, validateRetainDays } from '../vault/validate.js';
import { auditQuery } from './server-audit-trail.js';
import type {
  BackupOutcome,
  BackupRequest,
  ListedNode,
  RestoreOutcome,
  RestoreRequest,
  VaultService,
} from '../vault/vault-service.js';
import type { ApiClient, QueryValue } from './api-client.js';
import { itemSettingsOf, immutabilityViewOf } from './api-views.js';
import { remoteBackup, remoteRestore } from './remote-backup.js';

export interface HttpVaultServiceOptions {
  readonly api: ApiClient;
  /** The vault's name on the server. */
  readonly vault: string;
  readonly clock: Clock;
  /** Where the files cache lives on this host (backups run here). */
  readonly cacheDir: string;
  /** Asked only by backup and restore, which decrypt on this host. */
  readonly passphrase: () => Promise<string>;
  readonly workerCount?: number;
}

/** An item on a server may be assigned to an agent, which backs it up on its own host. */
export interface ServerItemInput {
  readonly name: string;
  readonly policy: string;
  readonly paths: readonly string[];
  readonly agent?: string;
}

/**
 * The vault service of one vault on an Amber server, over its HTTP API: the same interface as the
 * in-process EmbeddedVault, so commands never know which they hold. Backups and restores run the
 * engine on this host (reading and writing through the server's data plane); everything else is one
 * REST call whose answer is the very value the embedded service returns.
 */
/** Work that takes as long as the vault is big (verify --read-data, maintenance, rebuild) has no timeout. */
const UNTIMED = { timeoutMs: 0 };

export class HttpVaultService implements VaultService {
  readonly location: string;
  readonly #options: HttpVaultServiceOptions;
  readonly #api: ApiClient;

  constructor(options: HttpVaultServiceOptions) {
    this.#options = options;
    this.#api = options.api;
    this.location = `${options.api.baseUrl} vault ${options.vault}`;
  }

  async backup(request: BackupRequest, onProgress?: (p: ArchiveProgress) => void): Promise<BackupOutcome> {
    validateItemName(request.item);
    validateRetainDays(request.retainDays);
    const paths = request.paths.length > 0 ? request.paths : await this.#itemPaths(request.item);
    return remoteBackup(this.#options, { ...request, paths }, onProgress);
  }

  async restore(request: RestoreRequest, onProgress?: (p: RestoreProgress) => void): Promise<RestoreOutcome> {
    const point = await this.resolvePoint(request.ref, request.item);
    return remoteRestore(this.#options, point, request, onProgress);
  }

  listPoints(filter: { item?: string } = {}): Promise<PointRow[]> {
    return this.#get('/points', { item: filter.item });
  }

  resolvePoint(ref: string, item?: string): Promise<PointRow> {
    return this.#get(`/points/${encodeURIComponent(ref)}`, { item });
  }

  listFiles(ref: string, insidePath?: string): Promise<ListedNode[]> {
    return this.#get(`/points/${encodeURIComponent(ref)}/files`, { path: insidePath });
  }

  verify(options: { readData: boolean }): Promise<VerifyReport> {
    return this.#call('POST', '/verify', { readData: options.readData }, UNTIMED);
  }

  doctor(): Promise<ProbeReport> {
    return this.#get('/doctor');
  }

  rebuildCatalog(): Promise<{ points: number }> {
    return this.#call('POST', '/catalog/rebuild', undefined, UNTIMED);
  }

  async showVault(): Promise<ImmutabilityView> {
    return immutabilityViewOf(await this.#get('', {}));
  }

  enableImmutability = (): Promise<ImmutabilityView> => this.#view('/immutability/enable');
  disableImmutability = (): Promise<ImmutabilityView> => this.#view('/immutability/disable');
  cancelLock = (): Promise<ImmutabilityView> => this.#view('/immutability/cancel-lock');

  lockImmutability(request: { coolingOffMs: number; confirmedIrreversible: boolean }): Promise<ImmutabilityView> {
    return this.#view('/immutability/lock', {
      coolingOffHours: request.coolingOffMs / MS_PER_HOUR,
      confirmedIrreversible: request.confirmedIrreversible,
    });
  }

  async setVaultOptions(options: {
    minRetentionDays?: number | null;
    maxRetentionDays?: number | null;
    lockGenerationDays?: number;
  }): Promise<ImmutabilityView> {
    return immutabilityViewOf(await this.#call('PATCH', '', options));
  }

  createPolicy(input: PolicyInput): Promise<PolicySettings> {
    return this.#call('POST', '/policies', input);
  }

  updatePolicy(
    name: string,
    changes: { retention?: RetentionPolicy; schedule?: string | null; timeZone?: string },
  ): Promise<PolicySettings> {
    return this.#call('PATCH', `/policies/${encodeURIComponent(name)}`, changes);
  }

  listPolicies(): Promise<readonly PolicySettings[]> {
    return this.#get('/policies');
  }

  /** Paths of an item this host backs up are made absolute here; an agent's are taken as given. */
  async addItem(input: ServerItemInput): Promise<ItemSettings> {
    const paths = input.agent === undefined ? input.paths.map((p) => path.resolve(p)) : [...input.paths];
    return itemSettingsOf(await this.#call('POST', '/items', { ...input, paths }));
  }

  async moveItem(name: string, policy: string): Promise<ItemSettings> {
    return itemSettingsOf(await this.#call('POST', `/items/${encodeURIComponent(name)}/move`, { policy }));
  }

  stopItem(name: string, deleteData: boolean): Promise<StopOutcome> {
    return this.#call('POST', `/items/${encodeURIComponent(name)}/stop`, { deleteData });
  }

  async listItems(): Promise<readonly ItemSettings[]> {
    return (await this.#get<unknown[]>('/items')).map(itemSettingsOf);
  }

  async deletePoint(ref: string, options: { bypassGovernance: boolean }): Promise<PointId> {
    const answer = await this.#api.request<{ id: PointId }>(
      'DELETE',
      this.#path(`/points/${encodeURIComponent(ref)}`),
      {
        query: { bypassGovernance: options.bypassGovernance },
      },
    );
    return answer.id;
  }

  async setLegalHold(ref: string, reason: string): Promise<PointId> {
    return (await this.#call<{ id: PointId }>('POST', `/points/${encodeURIComponent(ref)}/hold`, { reason })).id;
  }

  async releaseLegalHold(ref: string): Promise<PointId> {
    return (await this.#call<{ id: PointId }>('DELETE', `/points/${encodeURIComponent(ref)}/hold`)).id;
  }

  runMaintenance(options: { dryRun: boolean }): Promise<MaintenanceReport> {
    return this.#call('POST', '/maintenance', { dryRun: options.dryRun }, UNTIMED);
  }

  listAudit(filter: AuditFilter = {}): Promise<StoredAuditEvent[]> {
    return this.#get<StoredAuditEvent[]>('/audit', auditQuery(filter));
  }

  verifyAudit(): Promise<AuditVerifyReport> {
    return this.#get('/audit/verify');
  }

  deleteVault(): Promise<{ deletedObjects: number }> {
    return this.#call('DELETE', '');
  }

  listKeys(): Promise<KeyView[]> {
    return this.#get('/keys');
  }

  addKey(passphrase: string, label: string): Promise<KeyView> {
    return this.#call('POST', '/keys', { passphrase, label });
  }

  async removeKey(id: string): Promise<void> {
    await this.#call('DELETE', `/keys/${encodeURIComponent(id)}`);
  }

  async close(): Promise<void> {
    // Stateless: every call stands alone.
  }

  async #itemPaths(name: string): Promise<readonly string[]> {
    const item = (await this.#get<{ name: string; paths: string[] }[]>('/items')).find((i) => i.name === name);
    if (item === undefined) {
      throw new AmberError(
        'USAGE',
        `Give paths to back up, or name a protected item with --item (there is no item ${name}).`,
      );
    }
    return item.paths;
  }

  async #view(suffix: string, body?: unknown): Promise<ImmutabilityView> {
    return immutabilityViewOf(await this.#call('POST', suffix, body));
  }

  #get<T>(suffix: string, query: Readonly<Record<string, QueryValue>> = {}): Promise<T> {
    return this.#api.request<T>('GET', this.#path(suffix), { query });
  }

  #call<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    suffix: string,
    body?: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    return this.#api.request<T>(method, this.#path(suffix), { ...(body === undefined ? {} : { body }), ...options });
  }

  #path(suffix: string): string {
    return `/api/v1/vaults/${encodeURIComponent(this.#options.vault)}${suffix}`;
  }
}
