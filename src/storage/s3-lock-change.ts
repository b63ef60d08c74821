import { PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import type { Clock } from '../core/clock.js';
import { assertValidLock, isLockActive, nextLock } from './lock-rules.js';
import type { ObjectLock } from './object-store.js';
import { isS3AccessDenied, isS3NotFound, translateS3Error } from './s3-errors.js';
import { instant, s3Mode } from './s3-upload.js';
import { currentVersion, explainRefusal, replaceVersion } from './s3-version-ops.js';
import { portKey, type S3Target } from './s3-versions.js';

/**
 * setLock on S3: PutObjectRetention on the authoritative version (one request when its id is known;
 * the storage itself enforces extend-only), and, when that fails, the port's rules judged on that
 * version. What S3 cannot say directly is done by replacing the version with a copy (s3-version-ops.ts).
 */

/** A lock as the storage will keep it: validated by the clock, rounded up to a whole second. */
export function storedLock(key: string, lock: ObjectLock, nowMs: number): ObjectLock {
  assertValidLock(key, lock, nowMs);
  // RGW compares retention in whole seconds, truncated: rounding up keeps the lock to its very end.
  return { mode: lock.mode, retainUntil: Math.ceil(lock.retainUntil / 1000) * 1000 };
}

export async function changeLock(
  target: S3Target,
  clock: Clock,
  fullKey: string,
  lock: ObjectLock | undefined,
  bypassGovernance: boolean,
  versionId: string,
): Promise<void> {
  const key = portKey(target, fullKey);
  if (lock === undefined) return removeLock(target, clock, fullKey, bypassGovernance, versionId);
  const wanted = storedLock(key, lock, clock.nowMs());
  const retention = { Retention: { Mode: s3Mode(wanted.mode), RetainUntilDate: instant(wanted.retainUntil) } };
  const bypassHeader = bypassGovernance ? { BypassGovernanceRetention: true } : {};
  const ids = { Bucket: target.bucket, Key: fullKey };
  try {
    await target.client.send(
      new PutObjectRetentionCommand({ ...ids, VersionId: versionId, ...retention, ...bypassHeader }),
    );
    return;
  } catch (error) {
    if (!isS3NotFound(error) && !isS3AccessDenied(error)) throw translateS3Error(error, 'lock', key, target.location);
  }
  // The storage refused: judge by the port's rules on the version.
  const current = await currentVersion(target, fullKey, undefined, versionId);
  const now = clock.nowMs();
  nextLock(key, current.info.lock, wanted, now, { bypassGovernance });
  // S3 (RGW, like AWS) wants the bypass header to turn governance into compliance, which the port
  // counts as an upgrade: it is sent for a pure upgrade (same or later date) that the rules allowed.
  const upgrade = isUpgrade(current.info.lock, wanted, now) ? { BypassGovernanceRetention: true } : {};
  try {
    const versioned = { ...ids, VersionId: current.versionId, ...retention, ...bypassHeader, ...upgrade };
    await target.client.send(new PutObjectRetentionCommand(versioned));
  } catch (error) {
    // RGW refuses compliance → governance even after the compliance date; the port allows it then.
    const lapsedCompliance = current.info.lock?.mode === 'compliance' && !isLockActive(current.info.lock, now);
    if (isS3AccessDenied(error) && lapsedCompliance && wanted.mode === 'governance') {
      return replaceVersion(target, fullKey, current, wanted, false);
    }
    throw await explainRefusal(target, fullKey, current.versionId, error, 'lock', 'cannot have that lock');
  }
}

/** Removing a lock: nothing to do once it lapsed; an active governance lock yields to bypass (by a copy). */
async function removeLock(
  target: S3Target,
  clock: Clock,
  fullKey: string,
  bypassGovernance: boolean,
  versionId: string,
): Promise<void> {
  const current = await currentVersion(target, fullKey, undefined, versionId);
  const now = clock.nowMs();
  nextLock(portKey(target, fullKey), current.info.lock, undefined, now, { bypassGovernance });
  if (!isLockActive(current.info.lock, now)) return; // none, or lapsed: the storage enforces nothing more
  await replaceVersion(target, fullKey, current, undefined, bypassGovernance);
}

/** governance → compliance with a retain-until no earlier than the active lock's. */
function isUpgrade(current: ObjectLock | undefined, wanted: ObjectLock, nowMs: number): boolean {
  return (
    isLockActive(current, nowMs) &&
    current.mode === 'governance' &&
    wanted.mode === 'compliance' &&
    wanted.retainUntil >= current.retainUntil
  );
}
