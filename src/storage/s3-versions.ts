import {
  ListObjectVersionsCommand,
  type ObjectVersion,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { translateS3Error } from './s3-errors.js';

/**
 * Version-aware reading of a versioned bucket: which real versions (not delete markers) a key has.
 * A plain DELETE only adds a delete marker, which hides the key from plain GET/HEAD/LIST but not the
 * data: Amber reads versions, so a marker never hides data from it.
 */

/** What the S3 helpers need to talk to the bucket. */
export interface S3Target {
  readonly client: S3Client;
  readonly bucket: string;
  /** Every object key lives below it: '' or slash-terminated. */
  readonly prefix: string;
  /** For error messages, e.g. `s3://bucket/prefix/`. */
  readonly location: string;
}

/** The port's key for a bucket key, for messages (the location already names the prefix). */
export function portKey(target: S3Target, fullKey: string): string {
  return fullKey.startsWith(target.prefix) ? fullKey.slice(target.prefix.length) : fullKey;
}

export interface S3Version {
  readonly versionId: string;
  readonly sizeBytes: number;
  readonly lastModifiedMs: number;
}

/** The versions of exactly one key, each list newest first (the bucket's own version order). */
export interface KeyVersions {
  readonly real: readonly S3Version[];
  readonly markerIds: readonly string[];
}

/** Entries per page: small when looking at one key, the S3 maximum when listing. */
const KEY_PAGE_SIZE = 50;
const LIST_PAGE_SIZE = 1000;

/** Every version and delete marker of exactly fullKey (keys that merely start with it are skipped). */
export async function listKeyVersions(target: S3Target, fullKey: string): Promise<KeyVersions> {
  const real: S3Version[] = [];
  const markerIds: string[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await listPage(target, fullKey, KEY_PAGE_SIZE, keyMarker, versionIdMarker);
    for (const entry of page.Versions ?? []) {
      if (entry.Key === fullKey) real.push(toVersion(entry));
    }
    for (const entry of page.DeleteMarkers ?? []) {
      if (entry.Key === fullKey && entry.VersionId !== undefined) markerIds.push(entry.VersionId);
    }
    // Keys come in order and fullKey sorts first among the keys it prefixes: a later key ends the search.
    const passed = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].some((entry) => entry.Key !== fullKey);
    if (page.IsTruncated !== true || passed) return { real, markerIds };
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/** The newest real version, or with asOfMs the newest one last modified at or before that instant. */
export function newestVersion(versions: KeyVersions, asOfMs?: number): S3Version | undefined {
  if (asOfMs === undefined) return versions.real[0];
  return versions.real.find((version) => version.lastModifiedMs <= asOfMs);
}

/**
 * The version Amber wrote: the oldest real one. Objects are written once (a put refuses a key that has
 * a version, and the oldest wins a race), so any later version was put by someone else — an attacker
 * with the credentials — and is ignored by reads, locks and holds. With asOfMs: the oldest that existed
 * then.
 */
export function authoritativeVersion(versions: KeyVersions, asOfMs?: number): S3Version | undefined {
  const real = asOfMs === undefined ? versions.real : versions.real.filter((v) => v.lastModifiedMs <= asOfMs);
  return real[real.length - 1];
}

/** A key with at least one real version (at or before asOfMs when given), with that version's size. */
export interface RealKey {
  readonly fullKey: string;
  readonly sizeBytes: number;
}

/** Every key under fullPrefix that has a real version, once each, in key order. */
export async function* listRealKeys(target: S3Target, fullPrefix: string, asOfMs?: number): AsyncIterable<RealKey> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let lastKey: string | undefined;
  for (;;) {
    const page = await listPage(target, fullPrefix, LIST_PAGE_SIZE, keyMarker, versionIdMarker);
    for (const entry of page.Versions ?? []) {
      if (entry.Key === undefined || entry.Key === lastKey) continue;
      const version = toVersion(entry);
      if (asOfMs !== undefined && version.lastModifiedMs > asOfMs) continue;
      lastKey = entry.Key;
      yield { fullKey: entry.Key, sizeBytes: version.sizeBytes };
    }
    if (page.IsTruncated !== true) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

async function listPage(
  target: S3Target,
  prefix: string,
  pageSize: number,
  keyMarker: string | undefined,
  versionIdMarker: string | undefined,
): Promise<ListObjectVersionsCommandOutput> {
  try {
    return await target.client.send(
      new ListObjectVersionsCommand({
        Bucket: target.bucket,
        Prefix: prefix,
        MaxKeys: pageSize,
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
      }),
    );
  } catch (error) {
    const shown = portKey(target, prefix);
    throw translateS3Error(error, 'list', shown === '' ? '(all keys)' : shown, target.location);
  }
}

function toVersion(entry: ObjectVersion): S3Version {
  return {
    versionId: entry.VersionId ?? 'null',
    sizeBytes: entry.Size ?? 0,
    lastModifiedMs: entry.LastModified?.getTime() ?? 0,
  };
}
