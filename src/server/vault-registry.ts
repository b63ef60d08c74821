import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { ServerCatalog, VaultRecord } from '../catalog/server-catalog.js';
import { KeyedMutex } from '../storage/keyed-mutex.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import { localVaultLocation, s3VaultLocation, type VaultLocation } from '../vault/vault-location.js';
import { parseS3Config, type S3ConfigInput, type S3StoreConfig } from '../storage/s3-config.js';
import { validateName } from './identity-service.js';

export interface VaultRegistryOptions {
  readonly dataDir: string;
  readonly catalog: ServerCatalog;
  readonly clock: Clock;
  readonly actor: () => string;
  readonly minCoolingOffMs?: number;
}

/**
 * The vaults a server holds. Each runs the same vault service as embedded mode, in this process; the
 * server alone holds their storage credentials and passphrases (DESIGN §3). State-changing work on
 * one vault is serialized.
 */
export class VaultRegistry {
  readonly #options: VaultRegistryOptions;
  readonly #open = new Map<string, Promise<EmbeddedVault>>();
  readonly #mutex = new KeyedMutex();

  constructor(options: VaultRegistryOptions) {
    this.#options = options;
  }

  async list(): Promise<VaultRecord[]> {
    return this.#options.catalog.listVaults();
  }

  async record(name: string): Promise<VaultRecord> {
    const record = (await this.list()).find((v) => v.name === name);
    if (record === undefined) throw new AmberError('VAULT_NAME_UNKNOWN', `This server has no vault named ${name}.`);
    return record;
  }

  /** Creates a local vault under the data directory, with a random passphrase kept in secrets/. */
  async createLocal(name: string, dir?: string): Promise<VaultRecord> {
    await this.#checkNew(name);
    const location = path.resolve(dir ?? path.join(this.#options.dataDir, 'vaults', name));
    await this.#initWithSecrets(name, localVaultLocation(location, this.#options.clock), {});
    return this.#record(name, 'local', location);
  }

  /**
   * Creates a vault in an S3 bucket with Object Lock, after its preflight (versioning, Object Lock, no
   * default retention, retention that can be set and extended). The credentials stay in secrets/.
   */
  async createS3(name: string, input: S3ConfigInput): Promise<VaultRecord> {
    await this.#checkNew(name);
    const config = parseS3Config(input);
    const credentials = { ...input, secretAccessKey: config.secretAccessKey.reveal() };
    await this.#initWithSecrets(name, this.#s3Location(config), { [`${name}.s3.json`]: JSON.stringify(credentials) });
    const where = { endpoint: config.endpoint, region: config.region, bucket: config.bucket, prefix: config.prefix };
    return this.#record(name, 's3', JSON.stringify(where));
  }

  /** Where a vault's objects are, for people: a directory or an s3:// URL with its endpoint. */
  static describe(record: VaultRecord): string {
    if (record.kind === 'local') return record.location;
    const where = JSON.parse(record.location) as { endpoint: string; bucket: string; prefix: string };
    return `s3://${where.bucket}/${where.prefix} at ${where.endpoint}`;
  }

  /** The vault service of a vault, opened once and kept open. */
  async get(name: string): Promise<EmbeddedVault> {
    let vault = this.#open.get(name);
    if (vault === undefined) {
      vault = this.#openVault(name);
      this.#open.set(name, vault);
      vault.catch(() => this.#open.delete(name));
    }
    return vault;
  }

  /** Runs state-changing work on a vault, one at a time per vault. */
  async exclusive<T>(name: string, work: (vault: EmbeddedVault) => Promise<T>): Promise<T> {
    const vault = await this.get(name);
    return this.#mutex.run(name, () => work(vault));
  }

  /** Forgets a vault that was deleted. */
  async forget(name: string): Promise<void> {
    const vault = this.#open.get(name);
    this.#open.delete(name);
    if (vault !== undefined) await (await vault).close();
    await this.#options.catalog.removeVault(name);
  }

  async closeAll(): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const vault of open) await (await vault.catch(() => undefined))?.close();
  }

  async #openVault(name: string): Promise<EmbeddedVault> {
    const record = await this.record(name);
    const location =
      record.kind === 'local'
        ? localVaultLocation(record.location, this.#options.clock)
        : this.#s3Location(
            parseS3Config(JSON.parse(await readFile(this.#secretFile(`${name}.s3.json`), 'utf8')) as S3ConfigInput),
          );
    return EmbeddedVault.open({
      location,
      clock: this.#options.clock,
      cacheDir: path.join(this.#options.dataDir, 'cache'),
      passphrase: async () => (await readFile(this.#passphraseFile(name), 'utf8')).trim(),
      actor: this.#options.actor,
      ...(this.#options.minCoolingOffMs === undefined ? {} : { minCoolingOffMs: this.#options.minCoolingOffMs }),
    });
  }

  async #checkNew(name: string): Promise<void> {
    validateName('vault', name);
    if ((await this.list()).some((v) => v.name === name)) {
      throw new AmberError('VAULT_EXISTS', `This server already has a vault named ${name}.`);
    }
  }

  async #record(name: string, kind: VaultRecord['kind'], location: string): Promise<VaultRecord> {
    const record: VaultRecord = { name, kind, location, created_at: this.#options.clock.nowMs() };
    await this.#options.catalog.addVault(record);
    return record;
  }

  /**
   * Creates the vault with a new random passphrase. The secrets are written first — a vault must never
   * exist without its passphrase kept — and removed again when the creation (e.g. its preflight) fails.
   */
  async #initWithSecrets(name: string, location: VaultLocation, others: Record<string, string>): Promise<void> {
    const passphrase = randomBytes(32).toString('base64url');
    const secrets = { [`${name}.passphrase`]: passphrase + '\n', ...others };
    for (const [file, text] of Object.entries(secrets)) await this.#writeSecret(file, text);
    try {
      await EmbeddedVault.init(location, { clock: this.#options.clock, passphrase });
    } catch (error) {
      for (const file of Object.keys(secrets)) await rm(this.#secretFile(file), { force: true });
      throw error;
    }
  }

  /** Writes a 0600 file in secrets/ (one left by a creation that failed before it was recorded is replaced). */
  async #writeSecret(file: string, text: string): Promise<void> {
    await mkdir(this.#secretsDir, { recursive: true, mode: 0o700 });
    await writeFile(this.#secretFile(file), text, { mode: 0o600 });
  }

  #s3Location(config: S3StoreConfig): VaultLocation {
    return s3VaultLocation(config, this.#options.clock, path.join(this.#options.dataDir, 'state'));
  }

  get #secretsDir(): string {
    return path.join(this.#options.dataDir, 'secrets');
  }

  #secretFile(file: string): string {
    return path.join(this.#secretsDir, file);
  }

  #passphraseFile(name: string): string {
    return this.#secretFile(`${name}.passphrase`);
  }
}
