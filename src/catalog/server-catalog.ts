import type { Kysely, Selectable } from 'kysely';
import { AmberError } from '../core/errors.js';
import { openSqliteCatalog } from './open-sqlite.js';
import { toCatalogError } from './catalog-error.js';
import { SERVER_MIGRATIONS } from './server-migrations.js';
import type { AgentsTable, JobsTable, ServerTables, TokensTable, UsersTable, VaultsTable } from './server-tables.js';

export type UserRecord = Selectable<UsersTable>;
export type TokenRecord = Selectable<TokensTable>;
export type AgentRecord = Selectable<AgentsTable>;
export type JobRecord = Selectable<JobsTable>;
export type VaultRecord = Selectable<VaultsTable>;

/**
 * The vault server's own catalog (users, tokens, agents, jobs, and the stores other modules keep in it:
 * audit trail, approvals, time log). One SQLite file in the server's data directory.
 */
export class ServerCatalog {
  readonly #db: Kysely<ServerTables>;
  readonly #file: string;
  #closed = false;

  private constructor(db: Kysely<ServerTables>, file: string) {
    this.#db = db;
    this.#file = file;
  }

  /** Opens (creating) the catalog and applies its pending migrations. */
  static async open(file: string): Promise<ServerCatalog> {
    const db = await openSqliteCatalog<ServerTables>(file, SERVER_MIGRATIONS);
    return new ServerCatalog(db, file);
  }

  /** The database, typed for a store that keeps its own tables here (audit log, approvals, time log). */
  database<T>(): Kysely<T> {
    return this.#db as unknown as Kysely<T>;
  }

  get file(): string {
    return this.#file;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }

  // vaults -----------------------------------------------------------------------------------------

  async addVault(vault: VaultRecord): Promise<void> {
    await this.run(`add vault ${vault.name}`, (db) => db.insertInto('vaults').values(vault).execute());
  }

  async listVaults(): Promise<VaultRecord[]> {
    return this.run('list vaults', (db) => db.selectFrom('vaults').selectAll().orderBy('name').execute());
  }

  async removeVault(name: string): Promise<void> {
    await this.run(`remove vault ${name}`, (db) => db.deleteFrom('vaults').where('name', '=', name).execute());
  }

  // users ------------------------------------------------------------------------------------------

  async addUser(user: UserRecord): Promise<void> {
    await this.run(`add user ${user.name}`, (db) => db.insertInto('users').values(user).execute());
  }

  async getUser(name: string): Promise<UserRecord | undefined> {
    return this.run(`read user ${name}`, (db) =>
      db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst(),
    );
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.run('list users', (db) => db.selectFrom('users').selectAll().orderBy('name').execute());
  }

  async updateUser(name: string, changes: Partial<Omit<UserRecord, 'name'>>): Promise<void> {
    await this.run(`update user ${name}`, (db) =>
      db.updateTable('users').set(changes).where('name', '=', name).execute(),
    );
  }

  async countUsers(): Promise<number> {
    const row = await this.run('count users', (db) =>
      db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  // tokens -----------------------------------------------------------------------------------------

  async addToken(token: TokenRecord): Promise<void> {
    await this.run(`add token ${token.id}`, (db) => db.insertInto('tokens').values(token).execute());
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.run('look up a token', (db) =>
      db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst(),
    );
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    return this.run(`read token ${id}`, (db) =>
      db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  async listTokens(filter: { principal?: string; kind?: TokenRecord['kind'] } = {}): Promise<TokenRecord[]> {
    return this.run('list tokens', (db) => {
      let query = db.selectFrom('tokens').selectAll();
      if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      return query.orderBy('created_at').orderBy('id').execute();
    });
  }

  async touchToken(id: string, atMs: number): Promise<void> {
    await this.run(`touch token ${id}`, (db) =>
      db.updateTable('tokens').set({ last_used_at: atMs }).where('id', '=', id).execute(),
    );
  }

  /** Revokes a token; returns false when it was already revoked (or never existed). */
  async revokeToken(id: string, atMs: number): Promise<boolean> {
    const result = await this.run(`revoke token ${id}`, (db) =>
      db
        .updateTable('tokens')
        .set({ revoked_at: atMs })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  // agents -----------------------------------------------------------------------------------------

  async addAgent(agent: AgentRecord): Promise<void> {
    await this.run(`add agent ${agent.name}`, (db) => db.insertInto('agents').values(agent).execute());
  }

  async getAgent(name: string): Promise<AgentRecord | undefined> {
    return this.run(`read agent ${name}`, (db) =>
      db.selectFrom('agents').selectAll().where('name', '=', name).executeTakeFirst(),
    );
  }

  async listAgents(): Promise<AgentRecord[]> {
    return this.run('list agents', (db) => db.selectFrom('agents').selectAll().orderBy('name').execute());
  }

  async touchAgent(name: string, atMs: number): Promise<void> {
    await this.run(`touch agent ${name}`, (db) =>
      db.updateTable('agents').set({ last_seen_at: atMs }).where('name', '=', name).execute(),
    );
  }

  async assignItem(vault: string, item: string, agent: string): Promise<void> {
    await this.run(`assign item ${item} to agent ${agent}`, (db) =>
      db
        .insertInto('item_agents')
        .values({ vault, item, agent })
        .onConflict((c) => c.columns(['vault', 'item']).doUpdateSet({ agent }))
        .execute(),
    );
  }

  async agentOfItem(vault: string, item: string): Promise<string | undefined> {
    const row = await this.run(`read the agent of item ${item}`, (db) =>
      db
        .selectFrom('item_agents')
        .select('agent')
        .where('vault', '=', vault)
        .where('item', '=', item)
        .executeTakeFirst(),
    );
    return row?.agent;
  }

  async itemsOfAgent(agent: string): Promise<{ vault: string; item: string }[]> {
    return this.run(`list the items of agent ${agent}`, (db) =>
      db.selectFrom('item_agents').select(['vault', 'item']).where('agent', '=', agent).orderBy('item').execute(),
    );
  }

  /** Runs a query, turning foreign failures into CATALOG_ERROR (used by the job store too). */
  async run<T>(action: string, work: (db: Kysely<ServerTables>) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new AmberError('CATALOG_ERROR', `The server catalog ${this.#file} could not ${action}: it is closed.`);
    }
    try {
      return await work(this.#db);
    } catch (error) {
      throw toCatalogError(error, action, this.#file);
    }
  }
}
