import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { s3ConfigFromEnv } from '../storage/s3-config.js';
import { localVaultLocation, s3VaultLocation, type VaultLocation } from '../vault/vault-location.js';

const S3_URL = /^s3:\/\/([^/]+)(?:\/(.*))?$/;

/**
 * What `--vault` names in embedded mode: a local directory, or `s3://BUCKET[/PREFIX]` — an S3 bucket
 * with Object Lock whose endpoint and credentials come from AMBER_S3_ENDPOINT, AMBER_S3_ACCESS_KEY_ID,
 * AMBER_S3_SECRET_ACCESS_KEY (and AMBER_S3_REGION). An S3 vault's catalog lives in the cache directory.
 * `asOf` (S3 only) opens the bucket read-only as it was at that instant, for recovery after an attack.
 */
export function vaultLocationOf(
  spec: string,
  env: { readonly clock: Clock; readonly cacheDir: string; readonly s3: Readonly<Record<string, string | undefined>> },
  options: { asOf?: number } = {},
): VaultLocation {
  const match = S3_URL.exec(spec);
  if (match === null) {
    if (options.asOf !== undefined) {
      throw new AmberError(
        'USAGE',
        '--as-of reads older versions of objects: it needs an S3 vault (s3://BUCKET/PREFIX).',
      );
    }
    return localVaultLocation(spec, env.clock);
  }
  const prefix = match[2] ?? '';
  const config = s3ConfigFromEnv(env.s3, {
    bucket: match[1],
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  });
  return s3VaultLocation(config, env.clock, path.join(env.cacheDir, 'vaults'), options);
}
