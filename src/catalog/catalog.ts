import type { Kysely } from 'kysely';
import { AmberError } from '../core/errors.js';
import type { PointId } from '../core/ids.js';
import { openSqliteCatalog } from './open-sqlite.js';
import { toCatalogError } from './catalog-error.js';
import type { CatalogTables } from './catalog-tables.js';
import { MIGRATIONS } from './migrations.js';
import { fromPointRecord, toPointRecord } from './point-record.js';
import type { PointRow, StorageLockMode } from './point-row.js';
import type { AuditAnchor, AuditChainHead, AuditVerifyReport } from '../core/audit-chain.js';
import type { AuditEvent, AuditFilter, StoredAuditEvent } from './audit-event.js';
import { AuditLog } from './audit-log.js';

/** Rows per INSERT in replaceAllPoints: 17 columns × 500 stays far below SQLite's 32,766 variables. */
const INSERT_BATCH_ROWS = 500;
/** Sorts after every character of a point id, so [prefix, prefix + MAX_CHAR) is a prefix range. */
const MAX_CHAR = '\u{10FFFF}';

export interface PointFilter {
  readonly item?: string;
}

/**
 * The SQLite catalog: an index of what a vault's storage holds, always rebuildable from storage.
 * Every SQLite failure surfaces as AmberError('CATALOG_ERROR') with the foreign error as `cause`.
 */
export class Catalog {
  /** The hash-chained audit trail (appendAudit, listAudit, verifyAudit and auditHead delegate to it). */
  readonly audit: AuditLog;
  readonly #db: Kysely<CatalogTables>;
  readonly #file: string;
  #closed = false;

  private constructor(db: Kysely<CatalogTables>, file: string) {
    this.#db = db;
    this.#file = file;
    this.audit = new AuditLog(db, file);
  }

  /**
   * Opens (creating if needed) the catalog at `file` (':memory:' allowed; the parent directory must
   * exist) and applies pending migrations. Refuses a catalog written by a newer Amber.
   */
  static async open(file: string): Promise<Catalog> {
    const db = await openSqliteCatalog<CatalogTables>(file, MIGRATIONS);
    return new Catalog(db, file);
  }

  /** Records a point; adding an id that is already present changes nothing (ids are content hashes). */
  async addPoint(row: PointRow): Promise<void> {
    await this.#run(`add recovery point ${row.id}`, (db) =>
      db
        .insertInto('points')
        .values(toPointRecord(row))
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute(),
    );
  }

  async getPoint(id: PointId): Promise<PointRow | undefined> {
    const record = await this.#run(`read recovery point ${id}`, (db) =>
      db.selectFrom('points').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return record === undefined ? undefined : fromPointRecord(record);
  }

  /** Every point whose id starts with `prefix` (case-sensitive), ordered by createdAt, then id. */
  async findPointsByPrefix(prefix: string): Promise<PointRow[]> {
    const records = await this.#run(`search recovery points by id prefix "${prefix}"`, (db) =>
      db
        .selectFrom('points')
        .selectAll()
        .where('id', '>=', prefix)
        .where('id', '<', prefix + MAX_CHAR)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    return records.map(fromPointRecord);
  }

  /** Points ordered by createdAt, then id; only those of `filter.item` when given. */
  async listPoints(filter: PointFilter = {}): Promise<PointRow[]> {
    const { item } = filter;
    const records = await this.#run('list recovery points', (db) => {
      let query = db.selectFrom('points').selectAll();
      if (item !== undefined) query = query.where('item', '=', item);
      return query.orderBy('created_at').orderBy('id').execute();
    });
    return records.map(fromPointRecord);
  }

  /** The newest point (greatest createdAt, then id), of `item` when given. */
  async latestPoint(item?: string): Promise<PointRow | undefined> {
    const record = await this.#run('find the latest recovery point', (db) => {
      let query = db.selectFrom('points').selectAll();
      if (item !== undefined) query = query.where('item', '=', item);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    });
    return record === undefined ? undefined : fromPointRecord(record);
  }

  /** Forgets a point; removing an unknown id changes nothing. */
  async removePoint(id: PointId): Promise<void> {
    await this.#run(`remove recovery point ${id}`, (db) => db.deleteFrom('points').where('id', '=', id).execute());
  }

  /** Replaces every point with `rows` in one transaction (a rebuild): all of them or none. */
  async replaceAllPoints(rows: readonly PointRow[]): Promise<void> {
    await this.#run('replace all recovery points', (db) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('points').execute();
        for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
          const batch = rows.slice(start, start + INSERT_BATCH_ROWS).map(toPointRecord);
          await trx.insertInto('points').values(batch).execute();
        }
      }),
    );
  }

  /** Updates what storage enforces for a point: its retention, lock mode and legal hold. */
  async updatePointProtection(
    id: PointId,
    protection: { retainUntil: number; lockMode: StorageLockMode; legalHold: boolean },
  ): Promise<void> {
    await this.#run(`update the protection of recovery point ${id}`, (db) =>
      db
        .updateTable('points')
        .set({
          retain_until: protection.retainUntil,
          lock_mode: protection.lockMode,
          legal_hold: protection.legalHold ? 1 : 0,
        })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Records the event as the newest of the audit chain. */
  async appendAudit(event: AuditEvent): Promise<StoredAuditEvent> {
    return this.#run(`record the audit event ${event.action}`, () => this.audit.append(event));
  }

  /** Audit events, oldest first, those `filter` selects; `afterSeq` and `limit` page on. */
  async listAudit(filter: AuditFilter = {}): Promise<StoredAuditEvent[]> {
    return this.#run('list audit events', () => this.audit.list(filter));
  }

  /** Verifies the audit chain and compares it with the anchors read from storage. */
  async verifyAudit(anchors: readonly AuditAnchor[] = []): Promise<AuditVerifyReport> {
    return this.#run('verify the audit trail', () => this.audit.verify(anchors));
  }

  /** The newest audit event's seq and hash; undefined while there is none. */
  async auditHead(): Promise<AuditChainHead | undefined> {
    return this.#run('read the newest audit event', () => this.audit.head());
  }

  async getMeta(key: string): Promise<string | undefined> {
    const record = await this.#run(`read meta "${key}"`, (db) =>
      db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst(),
    );
    return record?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#run(`write meta "${key}"`, (db) =>
      db
        .insertInto('meta')
        .values({ key, value })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
        .execute(),
    );
  }

  /** Closes the database; closing twice is harmless, any other call afterwards fails. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#db.destroy();
    } catch (error) {
      throw toCatalogError(error, 'be closed', this.#file);
    }
  }

  async #run<T>(action: string, work: (db: Kysely<CatalogTables>) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new AmberError('CATALOG_ERROR', `The catalog ${this.#file} could not ${action}: it is closed.`, {
        details: { file: this.#file },
      });
    }
    try {
      return await work(this.#db);
    } catch (error) {
      throw toCatalogError(error, action, this.#file);
    }
  }
}
