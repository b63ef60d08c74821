import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import { AmberError } from '../core/errors.js';
import { toCatalogError } from './catalog-error.js';

/** One reading of both clocks by one process run (`bootId`): the monotonic origin is per process. */
export interface TimeSample {
  readonly wallMs: number;
  readonly monotonicMs: number;
  readonly bootId: string;
}

/** A sample as the time log keeps it, with what the clock guard measured at it. */
export interface TimeLogEntry extends TimeSample {
  readonly seq: number;
  /** The jump counted at this sample (signed; negative = backwards), 0 when none was. */
  readonly skewMs: number;
  /** Wall-vs-monotonic movement below the jitter since the last counted jump, carried until it adds up. */
  readonly driftMs: number;
  /** The absolute jumps counted since the last acknowledgement. */
  readonly accumulatedMs: number;
}

export type NewTimeLogEntry = Omit<TimeLogEntry, 'seq'>;

/** A clock jump beyond the tolerance: expiry stays frozen until someone acknowledges it. */
export interface ClockAlert {
  readonly id: string;
  readonly detectedAt: number;
  /** The jump that crossed the tolerance (signed). */
  readonly skewMs: number;
  readonly accumulatedMs: number;
  readonly message: string;
  readonly acknowledgedAt?: number;
  readonly acknowledgedBy?: string;
  readonly note?: string;
}

export interface ClockAcknowledgement {
  readonly acknowledgedAt: number;
  readonly acknowledgedBy: string;
  readonly note: string;
}

/** Where the clock guard keeps its time log and alerts (SQLite here; in memory for tests). */
export interface TimeLogStore {
  /** The newest entry of any process run. */
  latestEntry(): Promise<TimeLogEntry | undefined>;
  /** The newest entry written by the process run `bootId`. */
  latestEntryOfBoot(bootId: string): Promise<TimeLogEntry | undefined>;
  /** Appends an entry (raising `alert` in the same transaction); only the newest entries are kept. */
  appendEntry(entry: NewTimeLogEntry, alert?: ClockAlert): Promise<TimeLogEntry>;
  /** The alerts nobody has acknowledged yet, oldest first. */
  openAlerts(): Promise<ClockAlert[]>;
  /** The newest `limit` alerts, newest first. */
  listAlerts(limit: number): Promise<ClockAlert[]>;
  /** Acknowledges every open alert and appends `baseline`, in one transaction; returns those acknowledged. */
  acknowledgeAll(ack: ClockAcknowledgement, baseline: NewTimeLogEntry): Promise<ClockAlert[]>;
}

export interface TimeLogTable {
  seq: Generated<number>;
  wall_ms: number;
  monotonic_ms: number;
  boot_id: string;
  skew_ms: number;
  drift_ms: number;
  accumulated_ms: number;
}

export interface ClockAlertsTable {
  id: string;
  detected_at: number;
  skew_ms: number;
  accumulated_ms: number;
  message: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  note: string | null;
}

export interface TimeLogTables {
  time_log: TimeLogTable;
  clock_alerts: ClockAlertsTable;
}

/** How many samples the time log keeps by default (about a week at one sample a minute). */
export const DEFAULT_KEEP_SAMPLES = 10_000;

/** Creates the time log's tables; a catalog calls it from one of its forward-only migrations. */
export async function createTimeLogTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('time_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('wall_ms', 'integer', (c) => c.notNull())
    .addColumn('monotonic_ms', 'real', (c) => c.notNull())
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('skew_ms', 'integer', (c) => c.notNull())
    .addColumn('drift_ms', 'real', (c) => c.notNull())
    .addColumn('accumulated_ms', 'integer', (c) => c.notNull().check(sql`accumulated_ms >= 0`))
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema.createIndex('time_log_boot_seq').on('time_log').columns(['boot_id', 'seq']).execute();
  await db.schema
    .createTable('clock_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('detected_at', 'integer', (c) => c.notNull())
    .addColumn('skew_ms', 'integer', (c) => c.notNull())
    .addColumn('accumulated_ms', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'integer')
    .addColumn('acknowledged_by', 'text')
    .addColumn('note', 'text')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema.createIndex('clock_alerts_detected_at').on('clock_alerts').columns(['detected_at', 'id']).execute();
}

/**
 * The time log in SQLite (tables made by createTimeLogTables). Every SQLite failure surfaces as
 * AmberError('CATALOG_ERROR') with the foreign error as `cause`.
 */
export class SqliteTimeLogStore implements TimeLogStore {
  readonly #db: Kysely<TimeLogTables>;
  readonly #file: string;
  readonly #keepSamples: number;

  /** `file` names the database in error messages; `keepSamples` bounds the log (oldest dropped first). */
  constructor(db: Kysely<TimeLogTables>, options: { file?: string; keepSamples?: number } = {}) {
    const keepSamples = options.keepSamples ?? DEFAULT_KEEP_SAMPLES;
    if (!Number.isInteger(keepSamples) || keepSamples < 1) {
      throw new AmberError('INVALID_ARGUMENT', `The time log must keep at least one sample, not ${keepSamples}.`);
    }
    this.#db = db;
    this.#file = options.file ?? 'time log';
    this.#keepSamples = keepSamples;
  }

  async latestEntry(): Promise<TimeLogEntry | undefined> {
    const row = await this.#run('read the newest time sample', (db) =>
      db.selectFrom('time_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst(),
    );
    return row === undefined ? undefined : entryFrom(row);
  }

  async latestEntryOfBoot(bootId: string): Promise<TimeLogEntry | undefined> {
    const row = await this.#run(`read the newest time sample of run ${bootId}`, (db) =>
      db
        .selectFrom('time_log')
        .selectAll()
        .where('boot_id', '=', bootId)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : entryFrom(row);
  }

  async appendEntry(entry: NewTimeLogEntry, alert?: ClockAlert): Promise<TimeLogEntry> {
    return this.#run('record a time sample', (db) =>
      db.transaction().execute(async (trx) => {
        const stored = await this.#append(trx, entry);
        if (alert !== undefined) await trx.insertInto('clock_alerts').values(alertRow(alert)).execute();
        return stored;
      }),
    );
  }

  async openAlerts(): Promise<ClockAlert[]> {
    const rows = await this.#run('read the open clock alerts', (db) =>
      db
        .selectFrom('clock_alerts')
        .selectAll()
        .where('acknowledged_at', 'is', null)
        .orderBy('detected_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(alertFrom);
  }

  async listAlerts(limit: number): Promise<ClockAlert[]> {
    const rows = await this.#run('list clock alerts', (db) =>
      db
        .selectFrom('clock_alerts')
        .selectAll()
        .orderBy('detected_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(alertFrom);
  }

  async acknowledgeAll(ack: ClockAcknowledgement, baseline: NewTimeLogEntry): Promise<ClockAlert[]> {
    return this.#run('acknowledge the clock alerts', (db) =>
      db.transaction().execute(async (trx) => {
        const open = await trx.selectFrom('clock_alerts').selectAll().where('acknowledged_at', 'is', null).execute();
        await trx
          .updateTable('clock_alerts')
          .set({ acknowledged_at: ack.acknowledgedAt, acknowledged_by: ack.acknowledgedBy, note: ack.note })
          .where('acknowledged_at', 'is', null)
          .execute();
        await this.#append(trx, baseline);
        return open
          .map((row) => ({ ...alertFrom(row), ...ack }))
          .sort((a, b) => a.detectedAt - b.detectedAt || (a.id < b.id ? -1 : 1));
      }),
    );
  }

  async #append(db: Kysely<TimeLogTables>, entry: NewTimeLogEntry): Promise<TimeLogEntry> {
    const { seq } = await db
      .insertInto('time_log')
      .values({
        wall_ms: entry.wallMs,
        monotonic_ms: entry.monotonicMs,
        boot_id: entry.bootId,
        skew_ms: entry.skewMs,
        drift_ms: entry.driftMs,
        accumulated_ms: entry.accumulatedMs,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await db
      .deleteFrom('time_log')
      .where('seq', '<=', seq - this.#keepSamples)
      .execute();
    return { seq, ...entry };
  }

  async #run<T>(action: string, work: (db: Kysely<TimeLogTables>) => Promise<T>): Promise<T> {
    try {
      return await work(this.#db);
    } catch (error) {
      throw toCatalogError(error, action, this.#file);
    }
  }
}

function entryFrom(row: Selectable<TimeLogTable>): TimeLogEntry {
  return {
    seq: row.seq,
    wallMs: row.wall_ms,
    monotonicMs: row.monotonic_ms,
    bootId: row.boot_id,
    skewMs: row.skew_ms,
    driftMs: row.drift_ms,
    accumulatedMs: row.accumulated_ms,
  };
}

function alertRow(alert: ClockAlert): ClockAlertsTable {
  return {
    id: alert.id,
    detected_at: alert.detectedAt,
    skew_ms: alert.skewMs,
    accumulated_ms: alert.accumulatedMs,
    message: alert.message,
    acknowledged_at: alert.acknowledgedAt ?? null,
    acknowledged_by: alert.acknowledgedBy ?? null,
    note: alert.note ?? null,
  };
}

function alertFrom(row: ClockAlertsTable): ClockAlert {
  return {
    id: row.id,
    detectedAt: row.detected_at,
    skewMs: row.skew_ms,
    accumulatedMs: row.accumulated_ms,
    message: row.message,
    ...(row.acknowledged_at === null ? {} : { acknowledgedAt: row.acknowledged_at }),
    ...(row.acknowledged_by === null ? {} : { acknowledgedBy: row.acknowledged_by }),
    ...(row.note === null ? {} : { note: row.note }),
  };
}
