import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The throw-away Ceph RGW of `.ci/ceph-rgw.sh up`, as its env file describes it. The S3 benchmark
 * and the Ceph end-to-end tests (src/e2e/testing/ceph-env.ts) both read it.
 */
export interface CephEnv {
  /** Every `export NAME=value` line of the env file. */
  readonly vars: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A bucket with versioning and Object Lock and no default retention. */
  readonly bucket: string;
  /** A bucket with Object Lock and a default GOVERNANCE retention of one day (preflight must refuse it). */
  readonly bucketWithDefaultRetention: string;
  /** A bucket without versioning or Object Lock. */
  readonly bucketWithoutLock: string;
}

/** Where `.ci/ceph-rgw.sh up` writes its env file: `$TMPDIR/amber-ceph-rgw/env`. */
export const CEPH_ENV_FILE = path.join(tmpdir(), 'amber-ceph-rgw', 'env');

const REQUIRED = [
  'AMBER_S3_ENDPOINT',
  'AMBER_S3_ACCESS_KEY_ID',
  'AMBER_S3_SECRET_ACCESS_KEY',
  'AMBER_S3_BUCKET',
  'AMBER_S3_BUCKET_NO_LOCK',
  'AMBER_S3_BUCKET_DEFAULT_RETENTION',
] as const;

/** The running cluster's env file, or a sentence saying why there is none and how to start one. */
export function loadCephEnv(file: string = CEPH_ENV_FILE): CephEnv | string {
  const start = 'Start one with `.ci/ceph-rgw.sh up`.';
  if (!existsSync(file)) return `No Ceph RGW is up: ${file} does not exist. ${start}`;
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) vars[match[1]] = (match[2] ?? '').replace(/^'(.*)'$/, '$1');
  }
  const missing = REQUIRED.filter((name) => (vars[name] ?? '') === '');
  if (missing.length > 0) return `${file} lacks ${missing.join(', ')}. ${start}`;
  const get = (name: string): string => vars[name] ?? '';
  return {
    vars,
    endpoint: get('AMBER_S3_ENDPOINT'),
    region: get('AMBER_S3_REGION') === '' ? 'us-east-1' : get('AMBER_S3_REGION'),
    accessKeyId: get('AMBER_S3_ACCESS_KEY_ID'),
    secretAccessKey: get('AMBER_S3_SECRET_ACCESS_KEY'),
    bucket: get('AMBER_S3_BUCKET'),
    bucketWithDefaultRetention: get('AMBER_S3_BUCKET_DEFAULT_RETENTION'),
    bucketWithoutLock: get('AMBER_S3_BUCKET_NO_LOCK'),
  };
}
