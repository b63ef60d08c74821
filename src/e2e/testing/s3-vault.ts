import path from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import { EmbeddedVault } from '../../vault/embedded-vault.js';
import { s3VaultLocation, type VaultLocation } from '../../vault/vault-location.js';
import { s3ConfigFor, type CephEnv } from './ceph-env.js';

/** A cheap KDF: tests open vaults often (the CLI uses the real default). */
export const TEST_KDF = { logN: 10, r: 8, p: 1 } as const;

/** An Amber vault on a prefix of the Ceph lock bucket, run in-process (embedded mode). */
export interface S3TestVault {
  readonly prefix: string;
  /** Catalogs and activity locks (the bucket holds only the vault's objects). */
  readonly stateRoot: string;
  readonly location: VaultLocation;
  readonly vault: EmbeddedVault;
}

export interface S3TestVaultOptions {
  readonly ceph: CephEnv;
  readonly prefix: string;
  /** A scratch directory of the test: state and cache go below it. */
  readonly base: string;
  readonly passphrase: string;
  readonly clock?: Clock;
  /** Read the bucket as it was at this instant (read-only). */
  readonly asOf?: number;
}

/** Opens (and with `create`, first creates after its preflight) the vault at `s3://bucket/prefix`. */
export async function openS3TestVault(options: S3TestVaultOptions, create = false): Promise<S3TestVault> {
  const clock = options.clock ?? systemClock;
  const stateRoot = path.join(options.base, 'state');
  const config = s3ConfigFor(options.ceph, options.prefix);
  const location = s3VaultLocation(config, clock, stateRoot, options.asOf === undefined ? {} : { asOf: options.asOf });
  if (create) await EmbeddedVault.init(location, { clock, passphrase: options.passphrase, kdf: TEST_KDF });
  const vault = await EmbeddedVault.open({
    location,
    clock,
    cacheDir: path.join(options.base, 'cache'),
    passphrase: () => Promise.resolve(options.passphrase),
    minCoolingOffMs: 0,
    workerCount: 2,
  });
  return { prefix: options.prefix, stateRoot, location, vault };
}
