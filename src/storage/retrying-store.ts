import { setTimeout as sleepMs } from 'node:timers/promises';
import { isAmberError } from '../core/errors.js';
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

export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Delay cap before the first retry; doubles per retry (default 200). */
  readonly baseDelayMs?: number;
  /** Upper bound of any delay (default 10000). */
  readonly maxDelayMs?: number;
  /** Waits; tests inject a recorder so they never wait (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter (default Math.random). */
  readonly random?: () => number;
}

/**
 * Retries operations that fail with STORAGE_ERROR (transient by definition), with exponential backoff
 * and jitter, a bounded number of times. Every other code (NOT_FOUND, OBJECT_LOCKED, STORAGE_FULL…) is
 * an answer, not a glitch, and is passed through at once. A put whose acknowledgement was lost may be
 * retried into ALREADY_EXISTS; callers that put content-addressed objects treat that as success.
 * list is retried only until it has yielded its first object (a restart would repeat objects).
 */
export class RetryingStore implements ObjectStore {
  readonly #inner: ObjectStore;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(inner: ObjectStore, options: RetryOptions = {}) {
    this.#inner = inner;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#baseDelayMs = options.baseDelayMs ?? 200;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
    this.#sleep = options.sleep ?? ((ms) => sleepMs(ms));
    this.#random = options.random ?? Math.random;
  }

  get location(): string {
    return this.#inner.location;
  }

  get capabilities(): StoreCapabilities {
    return this.#inner.capabilities;
  }

  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.#retry(() => this.#inner.put(key, data, options));
  }

  get(key: string): Promise<Buffer> {
    return this.#retry(() => this.#inner.get(key));
  }

  getRange(key: string, offset: number, length: number): Promise<Buffer> {
    return this.#retry(() => this.#inner.getRange(key, offset, length));
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.#retry(() => this.#inner.stat(key));
  }

  has(key: string): Promise<boolean> {
    return this.#retry(() => this.#inner.has(key));
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    for (let attempt = 1; ; attempt++) {
      let yielded = false;
      try {
        for await (const object of this.#inner.list(prefix)) {
          yielded = true;
          yield object;
        }
        return;
      } catch (error) {
        if (yielded || !this.#retryable(error, attempt)) throw error;
        await this.#sleep(this.delayMs(attempt));
      }
    }
  }

  delete(key: string, options?: DeleteOptions): Promise<void> {
    return this.#retry(() => this.#inner.delete(key, options));
  }

  setLock(key: string, lock: ObjectLock | undefined, options?: DeleteOptions): Promise<void> {
    return this.#retry(() => this.#inner.setLock(key, lock, options));
  }

  setLegalHold(key: string, on: boolean): Promise<void> {
    return this.#retry(() => this.#inner.setLegalHold(key, on));
  }

  probe(): Promise<ProbeReport> {
    return this.#inner.probe();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** The wait before retry number `attempt` (1-based): half fixed, half jitter, of a doubling cap. */
  delayMs(attempt: number): number {
    const capMs = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(capMs / 2 + (this.#random() * capMs) / 2);
  }

  async #retry<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!this.#retryable(error, attempt)) throw error;
        await this.#sleep(this.delayMs(attempt));
      }
    }
  }

  #retryable(error: unknown, attempt: number): boolean {
    return attempt < this.#maxAttempts && isAmberError(error, 'STORAGE_ERROR');
  }
}
