import { sql, type Kysely, type Selectable } from 'kysely';
import {
  AUDIT_GENESIS_HASH,
  AuditChainCursor,
  auditEventHash,
  auditReport,
  verifyAuditChain,
  type AuditAnchor,
  type AuditChainHead,
  type AuditVerifyReport,
  type ChainableAuditEvent,
} from '../core/audit-chain.js';
import type { AuditEvent, AuditFilter, StoredAuditEvent } from './audit-event.js';
import { toCatalogError } from './catalog-error.js';
import type { AuditEventsTable } from './catalog-tables.js';

/** Any catalog that has the audit table: the vault catalog, or the server's. */
export interface AuditTables {
  audit_events: AuditEventsTable;
}

/** Events per page when verify walks the chain. */
const DEFAULT_PAGE_EVENTS = 10_000;

/**
 * The hash-chained audit log over the `audit_events` table of an SQLite catalog (core/audit-chain.ts):
 * each appended event is numbered one after the newest and carries the newest's hash. Appending reads
 * the newest row and inserts in one `BEGIN IMMEDIATE` transaction, so two processes appending at
 * once queue up on SQLite's write lock instead of forking the chain. Failures are CATALOG_ERRORs
 * naming `label` (the catalog file).
 */
export class AuditLog {
  readonly #db: Kysely<AuditTables>;
  readonly #label: string;
  readonly #pageEvents: number;

  constructor(db: Kysely<AuditTables>, label: string, options: { pageEvents?: number } = {}) {
    this.#db = db;
    this.#label = label;
    this.#pageEvents = options.pageEvents ?? DEFAULT_PAGE_EVENTS;
  }

  /** Records the event as the newest of the chain and returns it as stored. */
  async append(event: AuditEvent): Promise<StoredAuditEvent> {
    return this.#run(`record the audit event ${event.action}`, (db) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const stored = await appendIn(conn, event);
          await sql`commit`.execute(conn);
          return stored;
        } catch (error) {
          // SQLite may already have rolled back by itself; the original error is what matters.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      }),
    );
  }

  /** Events oldest first, those `filter` selects; `afterSeq` and `limit` page on. */
  async list(filter: AuditFilter = {}): Promise<StoredAuditEvent[]> {
    const rows = await this.#run('list audit events', (db) => {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.target !== undefined) query = query.where('target', '=', filter.target);
      if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
      if (filter.sinceAt !== undefined) query = query.where('at', '>=', filter.sinceAt);
      if (filter.untilAt !== undefined) query = query.where('at', '<', filter.untilAt);
      const { action } = filter;
      if (action !== undefined) {
        // The action itself, or any below it: 'point' → 'point.create'; '/' sorts right after '.'.
        query = query.where((eb) =>
          eb.or([
            eb('action', '=', action),
            eb.and([eb('action', '>', `${action}.`), eb('action', '<', `${action}/`)]),
          ]),
        );
      }
      query = query.orderBy('seq');
      return (filter.limit === undefined ? query : query.limit(filter.limit)).execute();
    });
    return rows.map(fromRow);
  }

  /** The newest event's seq and hash; undefined while the log is empty. */
  async head(): Promise<AuditChainHead | undefined> {
    return this.#run('read the newest audit event', (db) =>
      db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst(),
    );
  }

  /**
   * Verifies the whole chain, page by page, and compares it with `anchors` (heads written to storage
   * earlier). Only when the chain breaks does it read every event at once, to diagnose the break.
   */
  async verify(anchors: readonly AuditAnchor[] = []): Promise<AuditVerifyReport> {
    const cursor = new AuditChainCursor();
    const anchored = new Set(anchors.map((anchor) => anchor.seq));
    const hashes = new Map<number, string>();
    for (let afterSeq: number | undefined; ;) {
      const page = await this.list({ ...(afterSeq === undefined ? {} : { afterSeq }), limit: this.#pageEvents });
      for (const event of page) {
        if (!cursor.accept(event)) return verifyAuditChain(await this.list(), anchors);
        if (anchored.has(event.seq)) hashes.set(event.seq, event.hash);
      }
      afterSeq = page.at(-1)?.seq;
      if (afterSeq === undefined || page.length < this.#pageEvents) break;
    }
    return auditReport({
      checked: cursor.checked,
      head: cursor.head,
      chainBreak: undefined,
      anchors,
      hashAt: (seq) => hashes.get(seq),
    });
  }

  async #run<T>(action: string, work: (db: Kysely<AuditTables>) => Promise<T>): Promise<T> {
    try {
      return await work(this.#db);
    } catch (error) {
      throw toCatalogError(error, action, this.#label);
    }
  }
}

/** Numbers and chains the event after the newest row; runs inside the caller's write transaction. */
async function appendIn(conn: Kysely<AuditTables>, event: AuditEvent): Promise<StoredAuditEvent> {
  const newest = await conn
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const detailsText = JSON.stringify(event.details ?? {});
  // Hashed as it will be read back: what JSON keeps of the details.
  const details = JSON.parse(detailsText) as Record<string, unknown>;
  const unhashed = {
    seq: (newest?.seq ?? 0) + 1,
    at: event.at,
    actor: event.actor,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    ...(event.code === undefined ? {} : { code: event.code }),
    message: event.message,
    details,
    prevHash: newest?.hash ?? AUDIT_GENESIS_HASH,
  };
  const stored: StoredAuditEvent = { ...unhashed, hash: auditEventHash(unhashed, unhashed.prevHash) };
  await conn
    .insertInto('audit_events')
    .values({
      seq: stored.seq,
      at: stored.at,
      actor: stored.actor,
      action: stored.action,
      target: stored.target,
      outcome: stored.outcome,
      code: stored.code ?? null,
      message: stored.message,
      details: detailsText,
      prev_hash: stored.prevHash,
      hash: stored.hash,
    })
    .execute();
  return stored;
}

function fromRow(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    ...(row.code === null ? {} : { code: row.code }),
    message: row.message,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Creates the `audit_events` table with its chain columns, for a catalog that starts with the chained
 * log (the server's). The vault catalog got the same columns by migration 3 (catalog/migrations.ts).
 */
export async function createChainedAuditTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'refused', 'failed')`))
    .addColumn('code', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().check(sql`json_type(details) = 'object'`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'seq']).execute();
}

interface UnchainedRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  code: string | null;
  message: string;
  details: string;
}

/**
 * Fills `prev_hash` and `hash` of every row, in seq order, chaining them as they stand (migration 3:
 * events recorded before the chain existed are vouched for from the upgrade on). Plain SQL: a
 * migration must not depend on today's table types.
 */
export async function chainExistingAuditEvents(db: Kysely<unknown>): Promise<number> {
  const rows = await sql<UnchainedRow>`
    select seq, at, actor, action, target, outcome, code, message, details from audit_events order by seq
  `.execute(db);
  let prevHash = AUDIT_GENESIS_HASH;
  for (const { code, details, ...fields } of rows.rows) {
    const event: ChainableAuditEvent = {
      ...fields,
      ...(code === null ? {} : { code }),
      details: JSON.parse(details) as Record<string, unknown>,
    };
    const hash = auditEventHash(event, prevHash);
    await sql`update audit_events set prev_hash = ${prevHash}, hash = ${hash} where seq = ${event.seq}`.execute(db);
    prevHash = hash;
  }
  return rows.rows.length;
}
