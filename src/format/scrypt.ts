import { scrypt as nodeScrypt } from 'node:crypto';
import { libsodium, type Libsodium } from '../native/libsodium.js';

/** scrypt's cost: N = 2^logN, block size r, parallelism p (RFC 7914). */
export interface ScryptCost {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/**
 * libsodium takes scrypt's cost as (opslimit, memlimit) and picks N, r = 8 and p from them. For
 * N = 2^logN and p, memlimit = 128·r·N makes it pick N, and opslimit = 4·r·N·p makes it pick p
 * (see pickparams in libsodium's pwhash_scryptsalsa208sha256.c). Undefined when libsodium cannot
 * compute exactly this cost (r other than 8, a salt or key of a length it refuses, a memory cost
 * under its minimum): node:crypto does those.
 */
function sodiumLimits(
  sodium: Libsodium,
  passphrase: Buffer,
  salt: Buffer,
  keyBytes: number,
  cost: ScryptCost,
): { opslimit: number; memlimit: number } | undefined {
  const N = 2 ** cost.logN;
  const memlimit = 128 * 8 * N;
  const opslimit = 4 * 8 * N * cost.p;
  const usable =
    cost.r === 8 &&
    salt.length === sodium.crypto_pwhash_scryptsalsa208sha256_SALTBYTES &&
    keyBytes >= sodium.crypto_pwhash_scryptsalsa208sha256_BYTES_MIN &&
    passphrase.length <= sodium.crypto_pwhash_scryptsalsa208sha256_PASSWD_MAX &&
    opslimit >= sodium.crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN &&
    opslimit <= sodium.crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MAX &&
    memlimit >= sodium.crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN;
  return usable ? { opslimit, memlimit } : undefined;
}

/**
 * scrypt(passphrase, salt) on the libuv thread pool: with libsodium where it can compute this cost
 * (its salsa20/8 core is vectorised: 2^16 × 8 takes ~135 ms here, OpenSSL's ~180 ms, on a backup's
 * critical path), else with node:crypto (OpenSSL). Both are RFC 7914 scrypt: the same key.
 */
export function scryptKey(passphrase: Buffer, salt: Buffer, keyBytes: number, cost: ScryptCost): Promise<Buffer> {
  const lib = libsodium();
  const limits = lib === null ? undefined : sodiumLimits(lib, passphrase, salt, keyBytes, cost);
  return new Promise((resolve, reject) => {
    if (lib !== null && limits !== undefined) {
      const key = Buffer.alloc(keyBytes);
      lib.crypto_pwhash_scryptsalsa208sha256_async(key, passphrase, salt, limits.opslimit, limits.memlimit, (error) => {
        if (error === null) resolve(key);
        else reject(error);
      });
      return;
    }
    const N = 2 ** cost.logN;
    const maxmem = 128 * N * cost.r + 128 * cost.r * cost.p + 32 * 1024 * 1024;
    nodeScrypt(passphrase, salt, keyBytes, { N, r: cost.r, p: cost.p, maxmem }, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

/** Whether scryptKey computes this cost with libsodium here (else with node:crypto). */
export function scryptUsesLibsodium(salt: Buffer, keyBytes: number, cost: ScryptCost): boolean {
  const lib = libsodium();
  return lib !== null && sodiumLimits(lib, Buffer.alloc(0), salt, keyBytes, cost) !== undefined;
}
