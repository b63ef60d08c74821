import type { Updateable } from 'kysely';
import type { JobRecord, ServerCatalog } from './server-catalog.js';
import type { JobsTable } from './server-tables.js';

export interface JobFilter {
  readonly vault?: string;
  readonly item?: string;
  readonly agent?: string;
  readonly status?: JobRecord['status'];
  readonly limit?: number;
}

/** Backup and restore jobs: created by the scheduler or on demand, run by agents, kept as history. */
export class JobStore {
  readonly #catalog: ServerCatalog;

  constructor(catalog: ServerCatalog) {
    this.#catalog = catalog;
  }

  /** Adds a job; a scheduled job whose (vault, item, scheduledFor) exists already is not added again. */
  async add(job: JobRecord): Promise<boolean> {
    const result = await this.#catalog.run(`add job ${job.id}`, (db) =>
      db
        .insertInto('jobs')
        .values(job)
        .onConflict((c) => c.doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.#catalog.run(`read job ${id}`, (db) =>
      db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  /** Newest first. */
  async list(filter: JobFilter = {}): Promise<JobRecord[]> {
    return this.#catalog.run('list jobs', (db) => {
      let query = db.selectFrom('jobs').selectAll();
      if (filter.vault !== undefined) query = query.where('vault', '=', filter.vault);
      if (filter.item !== undefined) query = query.where('item', '=', filter.item);
      if (filter.agent !== undefined) query = query.where('agent', '=', filter.agent);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 200)
        .execute();
    });
  }

  /** How many jobs are in each status (for /metrics). */
  async countByStatus(): Promise<Map<JobRecord['status'], number>> {
    const rows = await this.#catalog.run('count jobs by status', (db) =>
      db
        .selectFrom('jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
    );
    return new Map(rows.map((row) => [row.status, Number(row.n)]));
  }

  /** The time of an item's newest scheduled job, if it has one (where the scheduler goes on from). */
  async lastScheduledFor(vault: string, item: string): Promise<number | undefined> {
    const row = await this.#catalog.run(`read the last scheduled job of ${item}`, (db) =>
      db
        .selectFrom('jobs')
        .select((eb) => eb.fn.max('scheduled_for').as('last'))
        .where('vault', '=', vault)
        .where('item', '=', item)
        .executeTakeFirst(),
    );
    return row?.last ?? undefined;
  }

  /** Claims the oldest queued job of an agent: queued → running, atomically. */
  async claimNext(agent: string, atMs: number): Promise<JobRecord | undefined> {
    return this.#catalog.run(`claim a job for agent ${agent}`, async (db) =>
      db.transaction().execute(async (tx) => {
        const next = await tx
          .selectFrom('jobs')
          .selectAll()
          .where('agent', '=', agent)
          .where('status', '=', 'queued')
          .orderBy('created_at')
          .orderBy('id')
          .executeTakeFirst();
        if (next === undefined) return undefined;
        await tx
          .updateTable('jobs')
          .set({ status: 'running', started_at: atMs })
          .where('id', '=', next.id)
          .where('status', '=', 'queued')
          .execute();
        return { ...next, status: 'running' as const, started_at: atMs };
      }),
    );
  }

  async update(id: string, changes: Updateable<JobsTable>): Promise<void> {
    await this.#catalog.run(`update job ${id}`, (db) =>
      db.updateTable('jobs').set(changes).where('id', '=', id).execute(),
    );
  }

  /** Jobs of an agent left 'running' by a restart of that agent go back to the queue. */
  async requeueRunning(agent: string): Promise<number> {
    const result = await this.#catalog.run(`requeue the jobs of agent ${agent}`, (db) =>
      db
        .updateTable('jobs')
        .set({ status: 'queued', started_at: null, progress: null })
        .where('agent', '=', agent)
        .where('status', '=', 'running')
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows);
  }
}
