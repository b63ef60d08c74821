/**
 * The storage port. Every driver (memory, local, s3) implements it and passes the one conformance
 * suite in storage/testing/conformance.ts. Keys are slash-separated relative names made of
 * [a-z0-9._-] segments (for example `packs/ab/ab12…`); a key never starts with '.' or '/', never
 * contains '..', and is at most 512 characters.
 *
 * Contracts every driver keeps:
 * - put is atomic and write-once: a reader sees the whole object or nothing, a crash leaves no
 *   partial object under the key, and putting an existing key fails with ALREADY_EXISTS.
 * - get/getRange/stat of a missing key fail with NOT_FOUND. getRange past the end fails with
 *   INVALID_ARGUMENT.
 * - delete of a key whose lock has not lapsed (by the store's own clock) fails with OBJECT_LOCKED;
 *   under legal hold it fails with LEGAL_HOLD_ACTIVE, even with bypassGovernance. A governance lock
 *   yields only to `bypassGovernance: true`; a compliance lock yields to nothing. Deleting a
 *   missing key fails with NOT_FOUND.
 * - setLock only extends: a retainUntil earlier than the current one, or compliance → governance,
 *   fails with OBJECT_LOCKED, except that a governance lock may be shortened or removed with
 *   bypassGovernance. governance → compliance is allowed (an upgrade).
 * - A capability the driver lacks fails with UNSUPPORTED, never a silent no-op.
 * - Failures are AmberErrors with the codes above, STORAGE_FULL when out of space, STORAGE_ERROR
 *   otherwise; the foreign error is kept as `cause`.
 */

export type LockMode = 'governance' | 'compliance';

export interface ObjectLock {
  readonly mode: LockMode;
  /** Epoch milliseconds. */
  readonly retainUntil: number;
}

export interface PutOptions {
  readonly lock?: ObjectLock;
  readonly legalHold?: boolean;
}

export interface DeleteOptions {
  readonly bypassGovernance?: boolean;
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lock?: ObjectLock;
  readonly legalHold: boolean;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

export interface StoreCapabilities {
  /** Retention locks are enforced by the store itself. */
  readonly objectLock: boolean;
  readonly legalHold: boolean;
  /** How strongly the store enforces locks, for `amber doctor`. */
  readonly enforcement: readonly string[];
}

export interface ObjectStore {
  /** A human description, e.g. `local:/srv/vault` or `s3://bucket/prefix`. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;

  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  get(key: string): Promise<Buffer>;
  getRange(key: string, offset: number, length: number): Promise<Buffer>;
  stat(key: string): Promise<ObjectInfo>;
  /** True when the key exists. */
  has(key: string): Promise<boolean>;
  /** Every object whose key starts with prefix, in no particular order. */
  list(prefix: string): AsyncIterable<ListedObject>;
  delete(key: string, options?: DeleteOptions): Promise<void>;
  setLock(key: string, lock: ObjectLock | undefined, options?: DeleteOptions): Promise<void>;
  setLegalHold(key: string, on: boolean): Promise<void>;
  /** Probes what the store really enforces here (doctor); may write and remove a probe object. */
  probe(): Promise<ProbeReport>;
  /** Flushes deferred work (e.g. batched immutable attributes) and releases resources. */
  close(): Promise<void>;
  /**
   * Where the object lives as a plain file on this host, for stores that keep objects so (the
   * hardened local driver): a reader on another thread may read that file directly instead of
   * through this object, without copies between threads. Read-only use; what is read must still be
   * authenticated (every format read is). Undefined for stores without local files.
   */
  localFileOf?(key: string): string;
  /**
   * A directory on this host where a writer on any thread may prepare a whole object as a file, to
   * be stored with `putFile` (the local driver's own temp directory: storing it is then a link, not
   * a copy). Undefined for stores without one.
   */
  readonly stagingDir?: string;
  /**
   * Stores a finished file prepared in `stagingDir` as the object, exactly as `put` would store its
   * bytes (atomic, never overwriting, with the given lock), and takes the file: it is gone
   * afterwards, stored or not.
   */
  putFile?(key: string, file: string, options?: PutOptions): Promise<void>;
}

export interface ProbeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeReport {
  readonly location: string;
  readonly checks: readonly ProbeCheck[];
}

const KEY_PATTERN = /^[a-z0-9_-][a-z0-9._-]*(\/[a-z0-9_-][a-z0-9._-]*)*$/;

/** True when the key is a valid object key (see the port's contract). */
export function isValidKey(key: string): boolean {
  return key.length > 0 && key.length <= 512 && KEY_PATTERN.test(key) && !key.includes('..');
}
