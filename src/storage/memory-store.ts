import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { assertDeletable, assertValidLock, nextLock, type LockState } from './lock-rules.js';
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
  assertValidPrefix,
  notFound,
  unsupported,
} from './storage-errors.js';

/** Where an injected put failure strikes: before anything is stored, or after the object became visible. */
export type PutFault = 'before-write' | 'after-write';

export interface MemoryStoreOptions {
  /** Enforce retention locks and legal holds (default true); false makes every lock operation UNSUPPORTED. */
  readonly objectLock?: boolean;
}

interface StoredObject {
  readonly data: Buffer;
  state: LockState;
}

/** Requests served, per operation: lets tests and benchmarks count storage round trips. */
export interface MemoryStoreCounts {
  put: number;
  get: number;
  stat: number;
  list: number;
  delete: number;
  setLock: number;
  setLegalHold: number;
}

/**
 * An in-memory WORM store (in the spirit of kopia's object_locking_map): write-once objects, a lock
 * (mode, retainUntil) and a legal hold per object, judged by the injected clock. For tests and
 * embedded experiments; it holds everything in RAM.
 */
export class MemoryStore implements ObjectStore {
  readonly location = 'memory:';
  readonly capabilities: StoreCapabilities;
  readonly counts: MemoryStoreCounts = { put: 0, get: 0, stat: 0, list: 0, delete: 0, setLock: 0, setLegalHold: 0 };
  /**
   * Fault injection for crash tests. Called on every put (after validation); returning a PutFault
   * makes that put throw STORAGE_ERROR either before anything is stored ('before-write': a crash
   * before the upload landed) or after the object became visible ('after-write': a lost
   * acknowledgement, so a retry meets ALREADY_EXISTS). Returning undefined lets the put proceed.
   */
  putFault: ((key: string) => PutFault | undefined) | undefined = undefined;

  readonly #clock: Clock;
  readonly #objects = new Map<string, StoredObject>();

  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#clock = clock;
    const objectLock = options.objectLock ?? true;
    this.capabilities = {
      objectLock,
      legalHold: objectLock,
      enforcement: objectLock ? ['in-memory lock table'] : [],
    };
  }

  put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    return settle(() => {
      assertValidKey(key);
      this.counts.put++;
      const state = this.#putState(key, options);
      if (this.#objects.has(key)) throw alreadyExists(key);
      const fault = this.putFault?.(key);
      if (fault === 'before-write') throw injectedFault(key, fault);
      this.#objects.set(key, { data: Buffer.from(data), state });
      if (fault === 'after-write') throw injectedFault(key, fault);
    });
  }

  get(key: string): Promise<Buffer> {
    return settle(() => {
      this.counts.get++;
      return Buffer.from(this.#require(key).data);
    });
  }

  getRange(key: string, offset: number, length: number): Promise<Buffer> {
    return settle(() => {
      this.counts.get++;
      const { data } = this.#require(key);
      assertRange(key, offset, length, data.length);
      return Buffer.from(data.subarray(offset, offset + length));
    });
  }

  stat(key: string): Promise<ObjectInfo> {
    return settle(() => {
      this.counts.stat++;
      const object = this.#require(key);
      const { lock, legalHold } = object.state;
      const size = object.data.length;
      return lock === undefined ? { key, size, legalHold } : { key, size, lock, legalHold };
    });
  }

  has(key: string): Promise<boolean> {
    return settle(() => {
      assertValidKey(key);
      this.counts.stat++;
      return this.#objects.has(key);
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- nothing to wait for in memory
  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    this.counts.list++;
    const matches: ListedObject[] = [];
    for (const [key, object] of this.#objects) {
      if (key.startsWith(prefix)) matches.push({ key, size: object.data.length });
    }
    yield* matches;
  }

  delete(key: string, options: DeleteOptions = {}): Promise<void> {
    return settle(() => {
      this.counts.delete++;
      const object = this.#require(key);
      assertDeletable(key, object.state, this.#clock.nowMs(), options);
      this.#objects.delete(key);
    });
  }

  setLock(key: string, lock: ObjectLock | undefined, options: DeleteOptions = {}): Promise<void> {
    return settle(() => {
      assertValidKey(key);
      this.counts.setLock++;
      if (!this.capabilities.objectLock) throw unsupported('retention locks', this.location);
      const object = this.#require(key);
      const next = nextLock(key, object.state.lock, lock, this.#clock.nowMs(), options);
      const legalHold = object.state.legalHold;
      object.state = next === undefined ? { legalHold } : { lock: next, legalHold };
    });
  }

  setLegalHold(key: string, on: boolean): Promise<void> {
    return settle(() => {
      assertValidKey(key);
      this.counts.setLegalHold++;
      if (!this.capabilities.legalHold) throw unsupported('legal holds', this.location);
      const object = this.#require(key);
      object.state = { ...object.state, legalHold: on };
    });
  }

  probe(): Promise<ProbeReport> {
    return Promise.resolve({
      location: this.location,
      checks: [
        { name: 'object lock', ok: this.capabilities.objectLock, detail: 'enforced by the in-memory lock table' },
        { name: 'durability', ok: false, detail: 'objects live in process memory and vanish on exit' },
      ],
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #require(key: string): StoredObject {
    assertValidKey(key);
    const object = this.#objects.get(key);
    if (object === undefined) throw notFound(key);
    return object;
  }

  #putState(key: string, options: PutOptions): LockState {
    const legalHold = options.legalHold === true;
    if (options.lock === undefined && !legalHold) return { legalHold: false };
    if (options.lock !== undefined && !this.capabilities.objectLock)
      throw unsupported('retention locks', this.location);
    if (legalHold && !this.capabilities.legalHold) throw unsupported('legal holds', this.location);
    if (options.lock === undefined) return { legalHold };
    assertValidLock(key, options.lock, this.#clock.nowMs());
    return { lock: { mode: options.lock.mode, retainUntil: options.lock.retainUntil }, legalHold };
  }
}

/** Runs fn and returns its outcome as a promise, so that a synchronous throw becomes a rejection. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(fn());
  });
}

function injectedFault(key: string, fault: PutFault): AmberError {
  return new AmberError('STORAGE_ERROR', `Injected ${fault} failure while storing ${key}.`, {
    details: { key, fault },
  });
}
