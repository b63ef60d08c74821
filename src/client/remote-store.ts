import { AmberError, isAmberError } from '../core/errors.js';
import {
  isValidKey,
  type ListedObject,
  type DeleteOptions,
  type ObjectInfo,
  type ObjectLock,
  type ObjectStore,
  type ProbeReport,
  type PutOptions,
  type StoreCapabilities,
} from '../storage/object-store.js';
import type { ApiClient } from './api-client.js';

/**
 * The data plane of one vault on an Amber server, as an ObjectStore, so that the same engine that
 * archives and restores in embedded mode runs on a client host. Reads go to the vault's objects;
 * writes go to ONE backup session, and only packs and index segments: the server checks each
 * upload's hash, refuses overwrites and applies the storage locks itself (so `put` ignores
 * PutOptions). A client can neither delete nor change a lock or hold: those throw UNSUPPORTED.
 */
export class RemoteStore implements ObjectStore {
  readonly location: string;
  readonly capabilities: StoreCapabilities = {
    objectLock: false,
    legalHold: false,
    enforcement: ['the server decides locks and deletions; clients only add objects'],
  };
  readonly #api: ApiClient;
  readonly #vault: string;
  #session: string | undefined;

  constructor(api: ApiClient, vault: string, options: { session?: string } = {}) {
    this.#api = api;
    this.#vault = vault;
    this.#session = options.session;
    this.location = `${api.baseUrl} vault ${vault}`;
  }

  /** Directs uploads to a backup session (undefined: this store is read-only again). */
  useSession(session: string | undefined): void {
    this.#session = session;
  }

  /** `_options` are ignored: the server applies the locks of the session itself. */
  async put(key: string, data: Uint8Array, _options?: PutOptions): Promise<void> {
    checkKey(key);
    if (this.#session === undefined) {
      throw new AmberError('UNSUPPORTED', `Uploads to vault ${this.#vault} need a backup session; none is open.`);
    }
    const answer = await this.#api.request<{ key?: string; result?: string }>(
      'PUT',
      `${this.#vaultPath}/backups/${encodeURIComponent(this.#session)}/objects/${key}`,
      // Packs are built in shared memory (the archive workers' slots), which fetch cannot send: copy them.
      { raw: data.buffer instanceof SharedArrayBuffer ? Buffer.from(data) : data, idempotent: true },
    );
    if (answer?.result === 'exists') {
      throw new AmberError('ALREADY_EXISTS', `${key} is already stored in vault ${this.#vault}.`, { details: { key } });
    }
    if (answer?.result !== 'stored') {
      throw new AmberError(
        'SERVER_UNREACHABLE',
        `The server answered the upload of ${key} without saying it stored it.`,
      );
    }
  }

  async get(key: string): Promise<Buffer> {
    checkKey(key);
    return (await this.#api.send('GET', this.#objectPath(key))).bytes;
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    checkKey(key);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new AmberError('INVALID_ARGUMENT', `Cannot read ${length} bytes at ${offset} of ${key}.`);
    }
    if (length === 0) return Buffer.alloc(0);
    const answer = await this.#api.send('GET', this.#objectPath(key), {
      headers: { range: `bytes=${offset}-${offset + length - 1}` },
    });
    // A server that ignores Range answers 200 with the whole object.
    const bytes = answer.status === 206 ? answer.bytes : answer.bytes.subarray(offset, offset + length);
    if (bytes.length !== length) {
      throw new AmberError('INVALID_ARGUMENT', `${key} holds no ${length} bytes at offset ${offset}.`, {
        details: { key, offset, length },
      });
    }
    return bytes;
  }

  async stat(key: string): Promise<ObjectInfo> {
    checkKey(key);
    const answer = await this.#api.send('HEAD', this.#objectPath(key));
    const size = Number(answer.headers.get('x-amber-size') ?? answer.headers.get('content-length'));
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new AmberError('SERVER_UNREACHABLE', `The server gave no size for ${key}.`, { details: { key } });
    }
    return { key, size, legalHold: false };
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.stat(key);
      return true;
    } catch (error) {
      if (isAmberError(error, 'NOT_FOUND')) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const listed = await this.#api.request<unknown>('GET', `${this.#vaultPath}/objects`, { query: { prefix } });
    if (!Array.isArray(listed)) {
      throw new AmberError(
        'SERVER_UNREACHABLE',
        `The server's listing of ${prefix} in vault ${this.#vault} is not a list.`,
      );
    }
    for (const entry of listed as { key?: unknown; size?: unknown }[]) {
      if (typeof entry.key !== 'string' || typeof entry.size !== 'number') {
        throw new AmberError(
          'SERVER_UNREACHABLE',
          `The server's listing of ${prefix} holds an entry without key or size.`,
        );
      }
      if (entry.key.startsWith(prefix)) yield { key: entry.key, size: entry.size };
    }
  }

  delete(key: string, _options?: DeleteOptions): Promise<void> {
    return Promise.reject(refused(`delete ${key}`));
  }

  setLock(key: string, _lock: ObjectLock | undefined, _options?: DeleteOptions): Promise<void> {
    return Promise.reject(refused(`change the lock of ${key}`));
  }

  setLegalHold(key: string, _on: boolean): Promise<void> {
    return Promise.reject(refused(`change the legal hold of ${key}`));
  }

  probe(): Promise<ProbeReport> {
    return Promise.reject(
      new AmberError('UNSUPPORTED', 'A client cannot probe the storage; ask the server (amber doctor --server).'),
    );
  }

  async close(): Promise<void> {
    // Nothing to flush: every request has completed when its promise settled.
  }

  get #vaultPath(): string {
    return `/api/v1/vaults/${encodeURIComponent(this.#vault)}`;
  }

  #objectPath(key: string): string {
    return `${this.#vaultPath}/objects/${key}`;
  }
}

function checkKey(key: string): void {
  if (!isValidKey(key)) {
    throw new AmberError('INVALID_ARGUMENT', `"${key}" is not a valid object key.`, { details: { key } });
  }
}

function refused(what: string): AmberError {
  return new AmberError('UNSUPPORTED', `Clients cannot ${what}; the server decides.`);
}
