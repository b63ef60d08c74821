import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MS_PER_HOUR, type Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { ImmutableAttribute } from './immutable-attribute.js';
import { KeyedMutex } from './keyed-mutex.js';
import {
  assertDirectory,
  fileExists,
  fsyncDir,
  isMissing,
  makeDirsDurable,
  makeFileDurable,
  tempName,
  unlinkIfPresent,
  withParentDir,
  writeDurableFile,
} from './local-fs.js';
import { listObjectFiles } from './local-list.js';
import { runLocalProbe } from './local-probe.js';
import { LockLedger } from './lock-ledger.js';
import { removeStaleTempFiles } from './stale-temp-files.js';
import {
  assertDeletable,
  assertValidLock,
  isLockActive,
  isProtected,
  nextLock,
  strongestState,
  type LockState,
} from './lock-rules.js';
import type {
  DeleteOptions,
  ListedObject,
  ObjectInfo,
  ObjectLock,
  ObjectStore,
  ProbeReport,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';
import {
  alreadyExists,
  assertRange,
  assertValidKey,
  errnoCode,
  invalidArgument,
  notFound,
  translateFsError,
  type FsOperation,
} from './storage-errors.js';

export interface LocalStoreOptions {
  /** Try the Linux immutable attribute on locked objects (default true; used where supported). */
  readonly immutableAttribute?: boolean;
  /** The chattr binary (default `chattr` on PATH). */
  readonly chattrPath?: string;
  /** A queued immutable attribute waits at most this long for its batch (default 2000). */
  readonly immutableFlushDelayMs?: number;
  /** Temp files older than this (by file mtime against the clock) are removed at open (default 1 h). */
  readonly staleTempAgeMs?: number;
}

const TMP_DIR = '.tmp';
const LOCKS_DIR = '.locks';
const OBJECT_MODE = 0o444;

/**
 * The hardened local driver. Object `a/b/c` is the file `<root>/a/b/c`; names beginning with '.' are
 * the driver's own (`.tmp/` temp files, `.locks/` the lock ledger). Objects are written to a temp
 * file (O_EXCL, fsync), then hard-linked under their key (link refuses an existing name: atomic
 * no-overwrite), then the directory is fsynced; files are read-only (0444) from creation. Locks and
 * legal holds live in the ledger (written before a protected object becomes visible) and, where the
 * process may, as the Linux immutable attribute on the object file (set in batches).
 */
export class LocalStore implements ObjectStore {
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  readonly rootDir: string;

  readonly #clock: Clock;
  readonly #tmpDir: string;
  readonly #ledger: LockLedger;
  readonly #immutable: ImmutableAttribute;
  readonly #mutex = new KeyedMutex();

  private constructor(rootDir: string, clock: Clock, immutable: ImmutableAttribute) {
    this.rootDir = rootDir;
    this.location = `local:${rootDir}`;
    this.#clock = clock;
    this.#tmpDir = path.join(rootDir, TMP_DIR);
    this.#ledger = new LockLedger(path.join(rootDir, LOCKS_DIR), this.#tmpDir);
    this.#immutable = immutable;
    const enforcement = ['ledger', 'read-only files'];
    if (immutable.supported) enforcement.push('immutable attribute');
    this.capabilities = { objectLock: true, legalHold: true, enforcement };
  }

  /** Opens the store at an existing directory: creates `.tmp`/`.locks`, removes stale temp files. */
  static async open(rootDir: string, clock: Clock, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const root = path.resolve(rootDir);
    await assertDirectory(root);
    const tmpDir = path.join(root, TMP_DIR);
    try {
      await makeDirsDurable(tmpDir);
      await makeDirsDurable(path.join(root, LOCKS_DIR));
      await removeStaleTempFiles(tmpDir, clock.nowMs() - (options.staleTempAgeMs ?? MS_PER_HOUR), options.chattrPath);
    } catch (error) {
      throw translateFsError(error, root, 'open');
    }
    const immutable = await ImmutableAttribute.detect(tmpDir, {
      enabled: options.immutableAttribute ?? true,
      ...(options.chattrPath === undefined ? {} : { chattrPath: options.chattrPath }),
      ...(options.immutableFlushDelayMs === undefined ? {} : { flushDelayMs: options.immutableFlushDelayMs }),
    }).catch((error: unknown) => {
      throw translateFsError(error, root, 'open');
    });
    return new LocalStore(root, clock, immutable);
  }

  /** The immutable-attribute support verdict and any later failures (for tests and doctor). */
  get immutableAttribute(): {
    readonly supported: boolean;
    readonly detail: string;
    readonly failures: readonly string[];
  } {
    return this.#immutable;
  }

  put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    return this.#guarded(key, 'put', async () => {
      const protection = this.#putProtection(key, options);
      return this.#mutex.run(key, () => this.#putLocked(key, { data }, protection));
    });
  }

  get stagingDir(): string {
    return this.#tmpDir;
  }

  putFile(key: string, file: string, options: PutOptions = {}): Promise<void> {
    return this.#guarded(key, 'put', async () => {
      // Only a file of the staging directory is taken (removed); any other path is refused untouched.
      if (path.dirname(path.resolve(file)) !== this.#tmpDir) {
        throw invalidArgument(`A file to store must be prepared in ${this.#tmpDir}, not at ${file}.`, { key });
      }
      try {
        const protection = this.#putProtection(key, options);
        await this.#mutex.run(key, () => this.#putLocked(key, { file }, protection));
      } finally {
        await unlinkIfPresent(file).catch(() => undefined);
      }
    });
  }

  get(key: string): Promise<Buffer> {
    return this.#guarded(key, 'get', () => fs.readFile(this.#pathOf(key)));
  }

  localFileOf(key: string): string {
    return this.#pathOf(key);
  }

  getRange(key: string, offset: number, length: number): Promise<Buffer> {
    return this.#guarded(key, 'get', async () => {
      const handle = await fs.open(this.#pathOf(key), 'r');
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) throw notFound(key);
        assertRange(key, offset, length, stats.size);
        const buffer = Buffer.allocUnsafe(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
          if (bytesRead === 0) {
            throw new AmberError('STORAGE_ERROR', `The object ${key} ended early while reading a range.`);
          }
          filled += bytesRead;
        }
        return buffer;
      } finally {
        await handle.close();
      }
    });
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.#guarded(key, 'stat', async () => {
      const size = await this.#requireSize(key);
      const { lock, legalHold } = await this.#ledger.read(key);
      return lock === undefined ? { key, size, legalHold } : { key, size, lock, legalHold };
    });
  }

  has(key: string): Promise<boolean> {
    return this.#guarded(key, 'stat', async () => {
      try {
        return (await fs.stat(this.#pathOf(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    });
  }

  list(prefix: string): AsyncIterable<ListedObject> {
    return listObjectFiles(this.rootDir, prefix);
  }

  delete(key: string, options: DeleteOptions = {}): Promise<void> {
    return this.#guarded(key, 'delete', () =>
      this.#mutex.run(key, async () => {
        await this.#requireSize(key);
        const state = await this.#ledger.read(key);
        assertDeletable(key, state, this.#clock.nowMs(), options);
        const filePath = this.#pathOf(key);
        await this.#immutable.settle(filePath);
        await this.#unlinkObject(key, filePath, state.lock !== undefined);
        await this.#ledger.remove(key);
        await fsyncDir(path.dirname(filePath));
      }),
    );
  }

  setLock(key: string, lock: ObjectLock | undefined, options: DeleteOptions = {}): Promise<void> {
    return this.#guarded(key, 'lock', () =>
      this.#mutex.run(key, async () => {
        await this.#requireSize(key);
        const current = await this.#ledger.read(key);
        const next = nextLock(key, current.lock, lock, this.#clock.nowMs(), options);
        await this.#protect(
          key,
          current,
          next === undefined ? { legalHold: current.legalHold } : { lock: next, legalHold: current.legalHold },
        );
      }),
    );
  }

  setLegalHold(key: string, on: boolean): Promise<void> {
    return this.#guarded(key, 'lock', () =>
      this.#mutex.run(key, async () => {
        await this.#requireSize(key);
        const current = await this.#ledger.read(key);
        await this.#protect(key, current, { ...current, legalHold: on });
      }),
    );
  }

  probe(): Promise<ProbeReport> {
    return runLocalProbe({
      location: this.location,
      rootDir: this.rootDir,
      tmpDir: this.#tmpDir,
      immutable: this.#immutable,
    });
  }

  /** Sets every queued immutable attribute now. */
  flushImmutable(): Promise<void> {
    return this.#immutable.flush();
  }

  async close(): Promise<void> {
    await this.#immutable.close();
  }

  async #putLocked(
    key: string,
    source: { readonly data: Uint8Array } | { readonly file: string },
    protection: LockState | undefined,
  ): Promise<void> {
    const finalPath = this.#pathOf(key);
    if (await fileExists(finalPath)) throw alreadyExists(key);
    let leftover: LockState | undefined;
    if (protection !== undefined) {
      // The ledger entry comes first, so a crash never leaves a visible object that should be locked.
      // A leftover entry of an earlier crashed put is combined, never weakened.
      leftover = await this.#ledger.read(key);
      await this.#ledger.write(key, strongestState(activePart(leftover, this.#clock.nowMs()), protection));
    }
    const tmpPath = 'file' in source ? source.file : path.join(this.#tmpDir, tempName());
    try {
      if ('file' in source) await makeFileDurable(tmpPath, OBJECT_MODE);
      else await writeDurableFile(tmpPath, source.data, OBJECT_MODE);
      await withParentDir(path.dirname(finalPath), () => fs.link(tmpPath, finalPath));
    } catch (error) {
      await unlinkIfPresent(tmpPath).catch(() => undefined);
      // The object never became visible: put the ledger back as it was (unless another writer's
      // object now holds the name, whose entry must stay).
      if (leftover !== undefined && errnoCode(error) !== 'EEXIST') {
        await this.#ledger.write(key, leftover).catch(() => undefined);
      }
      if (errnoCode(error) === 'ENOTDIR') {
        throw invalidArgument(`The key ${key} runs through an existing object.`, { key });
      }
      throw error;
    }
    await unlinkIfPresent(tmpPath).catch(() => undefined);
    await fsyncDir(path.dirname(finalPath));
    if (protection !== undefined) this.#immutable.queue(finalPath);
  }

  #putProtection(key: string, options: PutOptions): LockState | undefined {
    const legalHold = options.legalHold === true;
    if (options.lock === undefined) return legalHold ? { legalHold } : undefined;
    assertValidLock(key, options.lock, this.#clock.nowMs());
    return { lock: { mode: options.lock.mode, retainUntil: options.lock.retainUntil }, legalHold };
  }

  /**
   * Writes the new ledger state. An object that just became protected is queued for +i; one whose
   * ledger entry goes away entirely loses +i at once, since delete only clears the attribute of
   * objects the ledger knows (so that erasing a ledger entry alone never unlocks a file).
   */
  async #protect(key: string, current: LockState, next: LockState): Promise<void> {
    await this.#ledger.write(key, next);
    const filePath = this.#pathOf(key);
    const nowMs = this.#clock.nowMs();
    if (!isProtected(current, nowMs) && isProtected(next, nowMs)) this.#immutable.queue(filePath);
    const hadEntry = current.lock !== undefined || current.legalHold;
    if (hadEntry && next.lock === undefined && !next.legalHold && this.#immutable.supported) {
      await this.#immutable.settle(filePath);
      await this.#immutable.clear(filePath);
    }
  }

  /** Unlinks an object file; clears the immutable attribute first only when the ledger had an entry. */
  async #unlinkObject(key: string, filePath: string, ledgerKnowsIt: boolean): Promise<void> {
    try {
      await fs.unlink(filePath);
    } catch (error) {
      if (errnoCode(error) !== 'EPERM' || !this.#immutable.supported) throw error;
      if (!ledgerKnowsIt) {
        throw new AmberError(
          'OBJECT_LOCKED',
          `The object ${key} carries the immutable attribute but has no lock ledger entry; the ledger may have ` +
            `been tampered with, so the object is kept (restore the entry, or clear the attribute by hand).`,
          { cause: error, details: { key, reason: 'immutable-without-ledger-entry' } },
        );
      }
      await this.#immutable.clear(filePath);
      await fs.unlink(filePath).catch((retryError: unknown) => {
        throw translateFsError(retryError, key, 'delete');
      });
    }
  }

  async #requireSize(key: string): Promise<number> {
    const stats = await fs.stat(this.#pathOf(key));
    if (!stats.isFile()) throw notFound(key);
    return stats.size;
  }

  #pathOf(key: string): string {
    return path.join(this.rootDir, key);
  }

  /** Validates the key, runs work, and translates any foreign error once. */
  async #guarded<T>(key: string, op: FsOperation, work: () => Promise<T>): Promise<T> {
    assertValidKey(key);
    try {
      return await work();
    } catch (error) {
      if (error instanceof AmberError) throw error;
      if (op !== 'put' && isMissing(error)) throw notFound(key, error);
      if (op === 'put' && errnoCode(error) === 'ENOENT') {
        throw new AmberError('STORAGE_ERROR', `The storage failed to put ${key}: a driver directory vanished.`, {
          cause: error,
        });
      }
      throw translateFsError(error, key, op);
    }
  }
}

function activePart(state: LockState, nowMs: number): LockState {
  return isLockActive(state.lock, nowMs) ? state : { legalHold: state.legalHold };
}
