import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';
import type { AmberError } from '../core/errors.js';
import type { AuditEvent } from '../catalog/audit-event.js';
import { AuditLog } from '../catalog/audit-log.js';
import { ApprovalStore } from '../catalog/approval-store.js';
import { JobStore } from '../catalog/job-store.js';
import { ServerCatalog } from '../catalog/server-catalog.js';
import { SqliteTimeLogStore } from '../catalog/time-log-store.js';
import { ApprovalService } from '../vault/approvals.js';
import { ClockGuard, type ClockGuardStatus } from '../vault/clock-guard.js';
import { BackupSessions } from './backup-sessions.js';
import { IdentityService } from './identity-service.js';
import { LoginThrottle } from './login-throttle.js';
import { Metrics } from './metrics.js';
import type { ApiRequest } from './route-def.js';
import { currentActor } from './request-context.js';
import { VaultRegistry } from './vault-registry.js';
import { Scheduler } from './scheduler.js';
import type { ProtectedOperation } from '../core/approval-rules.js';
import type { Executor } from './routes/protected-operations.js';

export interface ServerContextOptions {
  readonly dataDir: string;
  readonly clock: Clock;
  /** The shortest cooling-off a vault lock may ask for (default 72 h). */
  readonly minCoolingOffMs?: number;
  /** Accumulated clock jumps that freeze expiry (default 24 h). */
  readonly clockToleranceMs?: number;
  readonly clockSampleEveryMs?: number;
}

export const SERVER_CATALOG_FILE = 'server.sqlite';

/** Everything a request handler may use: the server's catalog, services and vaults. */
export class ServerContext {
  readonly clock: Clock;
  readonly dataDir: string;
  readonly catalog: ServerCatalog;
  readonly identity: IdentityService;
  readonly vaults: VaultRegistry;
  readonly jobs: JobStore;
  readonly sessions: BackupSessions;
  readonly throttle: LoginThrottle;
  readonly metrics = new Metrics();
  readonly approvals: ApprovalService;
  readonly clockGuard: ClockGuard;
  readonly auditLog: AuditLog;
  readonly scheduler: Scheduler;
  /** How each protected operation runs once approved (filled by the routes that offer them). */
  readonly executors = new Map<ProtectedOperation, Executor>();

  private constructor(options: ServerContextOptions, catalog: ServerCatalog) {
    this.clock = options.clock;
    this.dataDir = options.dataDir;
    this.catalog = catalog;
    this.identity = new IdentityService(catalog, options.clock);
    this.vaults = new VaultRegistry({
      dataDir: options.dataDir,
      catalog,
      clock: options.clock,
      actor: currentActor,
      ...(options.minCoolingOffMs === undefined ? {} : { minCoolingOffMs: options.minCoolingOffMs }),
    });
    this.jobs = new JobStore(catalog);
    this.scheduler = new Scheduler(this);
    this.sessions = new BackupSessions(options.clock);
    this.throttle = new LoginThrottle(options.clock);
    this.auditLog = new AuditLog(catalog.database(), catalog.file);
    this.approvals = new ApprovalService({
      clock: options.clock,
      store: new ApprovalStore(catalog.database(), catalog.file),
    });
    this.clockGuard = new ClockGuard({
      clock: options.clock,
      store: new SqliteTimeLogStore(catalog.database(), { file: catalog.file }),
      ...(options.clockToleranceMs === undefined ? {} : { toleranceMs: options.clockToleranceMs }),
      ...(options.clockSampleEveryMs === undefined ? {} : { sampleEveryMs: options.clockSampleEveryMs }),
      onEvent: async (event) => {
        await this.audit({
          action: event.action,
          target: 'clock',
          outcome: 'ok',
          message: event.message,
          details: event.details,
        });
      },
    });
  }

  static async open(options: ServerContextOptions): Promise<ServerContext> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const catalog = await ServerCatalog.open(path.join(options.dataDir, SERVER_CATALOG_FILE));
    return new ServerContext(options, catalog);
  }

  /** Appends an event to the server's audit trail, as the current actor. */
  async audit(event: Omit<AuditEvent, 'at' | 'actor'> & { actor?: string }): Promise<void> {
    await this.auditLog.append({ at: this.clock.nowMs(), actor: event.actor ?? currentActor(), ...event });
  }

  /** Appends an event the approval service prepared (it carries its own time and actor). */
  async auditPrepared(event: AuditEvent): Promise<void> {
    await this.auditLog.append(event);
  }

  /**
   * Records a refusal the server decided (permission, ownership, upload checks): in the vault's trail
   * when the request names an existing vault, in the server's trail otherwise.
   */
  async recordRefusal(request: ApiRequest, action: string, error: AmberError): Promise<void> {
    const vaultName = (request.params as { vault?: string } | undefined)?.vault;
    const target = request.url.split('?')[0] ?? request.url;
    if (vaultName !== undefined && (await this.vaults.list()).some((v) => v.name === vaultName)) {
      await (await this.vaults.get(vaultName)).recordRefusal(action, target, error);
      return;
    }
    await this.audit({
      action,
      target,
      outcome: 'refused',
      code: error.code,
      message: error.message,
      details: { ...error.details },
    });
  }

  clockStatus(): Promise<ClockGuardStatus> {
    return this.clockGuard.status();
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await this.sessions.releaseAll();
    await this.vaults.closeAll();
    await this.catalog.close();
  }
}
