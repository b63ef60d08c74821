import { S3Client } from '@aws-sdk/client-s3';
import type { S3StoreConfig } from './s3-config.js';

/** SDK attempts per request by default: the first one and three retries with backoff. */
export const DEFAULT_S3_MAX_ATTEMPTS = 4;

export interface S3ClientOptions {
  /** Attempts per request, retries included (SDK standard mode: exponential backoff with jitter). */
  readonly maxAttempts?: number;
  /** Milliseconds to open a connection before the attempt fails (retried as transient). */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds a socket may stay silent during a request before the attempt fails. */
  readonly socketTimeoutMs?: number;
}

/**
 * The SDK client an S3Store talks through. Checksums only WHEN_REQUIRED: the SDK's default aws-chunked
 * bodies with trailing checksums fail on Ceph RGW 16 (411 MissingContentLength); the driver sends
 * Content-MD5 itself, which RGW verifies. Retries are per request, in the SDK: a multipart upload
 * retries one part, not the object.
 */
export function createS3Client(config: S3StoreConfig, options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey.reveal() },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? DEFAULT_S3_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.socketTimeoutMs ?? 120_000,
    },
  });
}
