import { createHash } from 'node:crypto';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { objectKeys } from '../core/ids.js';
import { LocalStore } from '../storage/local-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { S3StoreConfig } from '../storage/s3-config.js';
import type { S3Store } from '../storage/s3-store.js';

/**
 * Where a vault lives: the store that holds its objects, and a local directory for what is not
 * storage — the catalog (an index, rebuildable) and the activity locks of backups and maintenance.
 */
export interface VaultLocation {
  /** For messages: a directory or an s3:// URL. */
  readonly description: string;
  readonly stateDir: string;
  /** Opens the store of an existing vault (VAULT_NOT_FOUND when there is none). */
  openExisting(): Promise<ObjectStore>;
  /** Opens the store for a new vault, after checking the place is empty and fit (preflight). */
  openForCreate(): Promise<ObjectStore>;
}

/** A local hardened directory: objects, the lock ledger, and `.catalog/` for the state. */
export function localVaultLocation(dir: string, clock: Clock): VaultLocation {
  const root = path.resolve(dir);
  return {
    description: root,
    stateDir: path.join(root, '.catalog'),
    openExisting: async () => {
      // Look before opening: opening a store prepares its working folders, and a directory that is
      // not a vault must be left exactly as it was.
      try {
        await access(path.join(root, objectKeys.header));
      } catch (error) {
        throw new AmberError('VAULT_NOT_FOUND', `There is no Amber vault at ${root}.`, { cause: error });
      }
      return LocalStore.open(root, clock);
    },
    openForCreate: async () => {
      await mkdir(root, { recursive: true });
      if ((await readdir(root)).length > 0) {
        throw new AmberError('VAULT_EXISTS', `${root} is not empty; a new vault needs an empty or new directory.`, {
          details: { dir: root },
        });
      }
      return LocalStore.open(root, clock);
    },
  };
}

/**
 * A prefix of an S3 bucket with versioning and Object Lock. The state lives under `stateRoot`, in a
 * folder named after the location, since the bucket holds only the vault's objects.
 */
export function s3VaultLocation(
  config: S3StoreConfig,
  clock: Clock,
  stateRoot: string,
  options: { asOf?: number } = {},
): VaultLocation {
  const description = `s3://${config.bucket}/${config.prefix}`;
  const digest = createHash('sha256').update(`${config.endpoint}\n${description}`).digest('hex').slice(0, 16);
  // The AWS SDK is loaded only when an S3 vault is opened: it costs ~80 ms at every start of the CLI.
  const open = async (): Promise<S3Store> => {
    const { S3Store } = await import('../storage/s3-store.js');
    return new S3Store(config, clock, options.asOf === undefined ? {} : { asOf: options.asOf });
  };
  return {
    description,
    // A point-in-time view keeps a catalog of its own: it must not make the live one forget later points.
    stateDir: path.join(stateRoot, options.asOf === undefined ? `s3-${digest}` : `s3-${digest}-asof-${options.asOf}`),
    openExisting: open,
    openForCreate: async () => {
      const store = await open();
      try {
        // Refuses a bucket without versioning or Object Lock, or with a default retention.
        const { preflightS3 } = await import('../storage/s3-probe.js');
        await preflightS3(store);
        if (await store.has(objectKeys.header)) {
          throw new AmberError('VAULT_EXISTS', `${description} already holds an Amber vault.`);
        }
        return store;
      } catch (error) {
        await store.close();
        throw error;
      }
    },
  };
}
