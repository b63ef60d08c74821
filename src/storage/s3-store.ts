import { DeleteObjectCommand, GetObjectCommand, PutObjectLegalHoldCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import {
  isValidKey,
  type DeleteOptions,
  type ListedObject,
  type ObjectInfo,
  type ObjectLock,
  type ObjectStore,
  type ProbeReport,
  type PutOptions,
  type StoreCapabilities,
} from './object-store.js';
import { createS3Client, type S3ClientOptions } from './s3-client.js';
import type { S3StoreConfig } from './s3-config.js';
import { isS3NotFound, translateS3Error } from './s3-errors.js';
import { changeLock, storedLock } from './s3-lock-change.js';
import { runS3Probe } from './s3-probe.js';
import { settleRace, uploadVersion, type MultipartSettings } from './s3-upload.js';
import { currentVersion, deleteVersion, resolveVersion } from './s3-version-ops.js';
import { listKeyVersions, listRealKeys, newestVersion, type S3Target } from './s3-versions.js';
import {
  alreadyExists,
  assertRange,
  assertValidKey,
  assertValidPrefix,
  notFound,
  unsupported,
} from './storage-errors.js';

const MIB = 1024 * 1024;
/** Version ids kept in memory (~150 bytes each); beyond this the map starts afresh. */
const MAX_REMEMBERED_VERSIONS = 200_000;

export interface S3StoreOptions extends S3ClientOptions {
  /**
   * A read-only view of the bucket as it was at this instant (epoch ms): each key reads its newest
   * version last modified at or before it. For recovery after an attack; writes fail with UNSUPPORTED.
   */
  readonly asOf?: number;
  /** Objects of at least this size go up in parts (default 64 MiB). */
  readonly multipartThresholdBytes?: number;
  /** Part size of a multipart upload (default 16 MiB; S3 needs at least 5 MiB but for the last). */
  readonly partSizeBytes?: number;
  /** Parts uploaded at once (default 4). */
  readonly partConcurrency?: number;
  /** An SDK client to use instead of one built from the config (the caller then owns and destroys it). */
  readonly client?: S3Client;
}

/**
 * The storage port on an S3 bucket with versioning and Object Lock (AWS S3, Ceph RGW, MinIO). Locks
 * are S3 retention (governance/compliance) and legal holds, enforced by the storage with its own
 * clock. Reads are version-aware, so delete markers never hide data; deletes remove every version.
 * How each operation maps to S3 requests: docs/storage-s3.md.
 */
export class S3Store implements ObjectStore {
  readonly location: string;
  readonly capabilities: StoreCapabilities = { objectLock: true, legalHold: true, enforcement: ['s3-object-lock'] };
  /** S3 requests sent, by SDK command name (retries of one request count once). */
  readonly requestCounts = new Map<string, number>();

  readonly #clock: Clock;
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #target: S3Target;
  readonly #asOf: number | undefined;
  readonly #multipart: MultipartSettings;
  /** Authoritative version ids by full key (objects are write-once, so an id stays right until a delete). */
  readonly #versionIds = new Map<string, string>();
  #closed = false;

  constructor(config: S3StoreConfig, clock: Clock, options: S3StoreOptions = {}) {
    this.location = `s3://${config.bucket}/${config.prefix}`;
    this.#clock = clock;
    this.#client = options.client ?? createS3Client(config, options);
    this.#ownsClient = options.client === undefined;
    this.#target = { client: this.#client, bucket: config.bucket, prefix: config.prefix, location: this.location };
    this.#asOf = options.asOf;
    const partSizeBytes = options.partSizeBytes ?? 16 * MIB;
    this.#multipart = {
      thresholdBytes: Math.max(options.multipartThresholdBytes ?? 64 * MIB, partSizeBytes),
      partSizeBytes,
      concurrency: options.partConcurrency ?? 4,
    };
    this.#client.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName ?? 'unknown';
        this.requestCounts.set(name, (this.requestCounts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize' },
    );
  }

  /** Write-once: refuses a key that has any real version, and settles concurrent puts of one key. */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    assertValidKey(key);
    this.#assertWritable('put');
    const lock = options.lock === undefined ? undefined : storedLock(key, options.lock, this.#clock.nowMs());
    const fullKey = this.#full(key);
    if ((await listKeyVersions(this.#target, fullKey)).real.length > 0) throw alreadyExists(key);
    const legalHold = options.legalHold === true;
    const version = lock === undefined ? { fullKey, data, legalHold } : { fullKey, data, lock, legalHold };
    const versionId = await uploadVersion(this.#target, version, this.#multipart);
    await settleRace(this.#target, fullKey, versionId, lock);
    this.#remember(fullKey, versionId);
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    return (await this.#read(key)).body;
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    assertValidKey(key);
    assertRange(key, offset, length, Number.POSITIVE_INFINITY); // whole, non-negative numbers
    if (length === 0) {
      assertRange(key, offset, length, (await this.stat(key)).size);
      return Buffer.alloc(0);
    }
    let body: Buffer;
    try {
      body = (await this.#read(key, `bytes=${String(offset)}-${String(offset + length - 1)}`)).body;
    } catch (error) {
      // InvalidRange: the range starts past the end; say so with the object's size.
      if (isAmberError(error, 'INVALID_ARGUMENT')) assertRange(key, offset, length, (await this.stat(key)).size);
      throw error;
    }
    if (body.length !== length) assertRange(key, offset, length, offset + body.length);
    return body;
  }

  async stat(key: string): Promise<ObjectInfo> {
    assertValidKey(key);
    const fullKey = this.#full(key);
    return (await currentVersion(this.#target, fullKey, this.#asOf, await this.#versionOf(fullKey))).info;
  }

  async has(key: string): Promise<boolean> {
    assertValidKey(key);
    return newestVersion(await listKeyVersions(this.#target, this.#full(key)), this.#asOf) !== undefined;
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    const skip = this.#target.prefix.length;
    for await (const found of listRealKeys(this.#target, this.#full(prefix), this.#asOf)) {
      const key = found.fullKey.slice(skip);
      if (isValidKey(key)) yield { key, size: found.sizeBytes }; // foreign names (probe leftovers) are not ours
    }
  }

  /** Deletes every version of the key (version deletes; never a plain delete that only adds a marker). */
  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    assertValidKey(key);
    this.#assertWritable('delete');
    const fullKey = this.#full(key);
    this.#versionIds.delete(fullKey);
    const versions = await listKeyVersions(this.#target, fullKey);
    if (versions.real.length === 0) throw notFound(key);
    for (const version of versions.real) {
      await deleteVersion(this.#target, fullKey, version.versionId, options.bypassGovernance === true);
    }
    for (const markerId of versions.markerIds) {
      const command = new DeleteObjectCommand({ ...this.#ids(fullKey), VersionId: markerId });
      await this.#client.send(command).catch((error: unknown) => {
        throw translateS3Error(error, 'delete', key, this.location);
      });
    }
  }

  async setLock(key: string, lock: ObjectLock | undefined, options: DeleteOptions = {}): Promise<void> {
    assertValidKey(key);
    this.#assertWritable('setLock');
    const fullKey = this.#full(key);
    const versionId = await this.#versionOf(fullKey);
    try {
      await changeLock(this.#target, this.#clock, fullKey, lock, options.bypassGovernance === true, versionId);
    } finally {
      // A lock that S3 cannot change in place is changed by replacing the version with a copy.
      this.#versionIds.delete(fullKey);
    }
  }

  async setLegalHold(key: string, on: boolean): Promise<void> {
    assertValidKey(key);
    this.#assertWritable('setLegalHold');
    const fullKey = this.#full(key);
    const hold = { LegalHold: { Status: on ? ('ON' as const) : ('OFF' as const) } };
    const command = new PutObjectLegalHoldCommand({
      ...this.#ids(fullKey),
      VersionId: await this.#versionOf(fullKey),
      ...hold,
    });
    await this.#client.send(command).catch((error: unknown) => {
      throw translateS3Error(error, 'hold', key, this.location);
    });
  }

  probe(): Promise<ProbeReport> {
    return runS3Probe(this.#target, this.#clock);
  }

  close(): Promise<void> {
    if (!this.#closed && this.#ownsClient) this.#client.destroy();
    this.#closed = true;
    return Promise.resolve();
  }

  /**
   * GET of the authoritative version (the oldest real one): delete markers and versions put over it
   * later never change what Amber reads. A version gone since it was remembered is looked up again.
   */
  async #read(key: string, range?: string): Promise<{ body: Buffer }> {
    const fullKey = this.#full(key);
    for (let attempt = 0; ; attempt++) {
      const versionId = await this.#versionOf(fullKey);
      try {
        return await this.#fetch(fullKey, versionId, range);
      } catch (error) {
        this.#versionIds.delete(fullKey);
        if (attempt > 0 || !isS3NotFound(error)) throw translateS3Error(error, 'get', key, this.location);
      }
    }
  }

  /** The authoritative version id of a key: remembered, or looked up in its version list. */
  async #versionOf(fullKey: string): Promise<string> {
    const known = this.#versionIds.get(fullKey);
    if (known !== undefined) return known;
    const { versionId } = await resolveVersion(this.#target, fullKey, this.#asOf);
    this.#remember(fullKey, versionId);
    return versionId;
  }

  #remember(fullKey: string, versionId: string): void {
    if (this.#versionIds.size >= MAX_REMEMBERED_VERSIONS) this.#versionIds.clear();
    this.#versionIds.set(fullKey, versionId);
  }

  async #fetch(fullKey: string, versionId: string | undefined, range: string | undefined): Promise<{ body: Buffer }> {
    const output = await this.#client.send(
      new GetObjectCommand({
        ...this.#ids(fullKey),
        ...(versionId === undefined ? {} : { VersionId: versionId }),
        ...(range === undefined ? {} : { Range: range }),
      }),
    );
    const bytes = (await output.Body?.transformToByteArray()) ?? new Uint8Array(0);
    return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  #ids(fullKey: string): { Bucket: string; Key: string } {
    return { Bucket: this.#target.bucket, Key: fullKey };
  }

  #full(key: string): string {
    return this.#target.prefix + key;
  }

  #assertWritable(operation: string): void {
    if (this.#asOf !== undefined)
      throw unsupported(`${operation} in a read-only point-in-time view (asOf)`, this.location);
  }
}
