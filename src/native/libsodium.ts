import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of sodium-native (libsodium's bindings) Amber uses: scrypt (format/scrypt.ts). */
export interface Libsodium {
  crypto_pwhash_scryptsalsa208sha256_async(
    out: Buffer,
    passwd: Buffer,
    salt: Buffer,
    opslimit: number,
    memlimit: number,
    callback: (error: Error | null) => void,
  ): void;
  readonly crypto_pwhash_scryptsalsa208sha256_SALTBYTES: number;
  readonly crypto_pwhash_scryptsalsa208sha256_BYTES_MIN: number;
  readonly crypto_pwhash_scryptsalsa208sha256_PASSWD_MAX: number;
  readonly crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN: number;
  readonly crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MAX: number;
  readonly crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN: number;
}

let loaded: Libsodium | null | undefined;

/**
 * libsodium through sodium-native, or null where it cannot load (its callers then use node:crypto).
 * The package's prebuilt binary for this platform is loaded directly when present (1 ms; the
 * package's own resolver takes ~8 ms), else through the package.
 */
export function libsodium(): Libsodium | null {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('sodium-native/package.json'));
    const prebuilt = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'sodium-native.node');
    loaded = (existsSync(prebuilt) ? require(prebuilt) : require('sodium-native')) as Libsodium;
  } catch {
    loaded = null;
  }
  return loaded;
}
