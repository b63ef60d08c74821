import { createHash, randomBytes } from 'node:crypto';
import { AmberError } from '../core/errors.js';
import { asKeyId, asVaultId, isKeyId, isVaultId, objectKeys, type KeyId, type VaultId } from '../core/ids.js';
import { seal, tryOpen } from './aead.js';
import { corruptObject, invalidValue, unsupportedFormat } from './format-errors.js';
import { asRecord, onlyKeys, parseJson, readInteger, readString, type Fail, type JsonRecord } from './json-fields.js';
import { FORMAT_VERSION } from './vault-header.js';
import { scryptKey } from './scrypt.js';
import { MASTER_SECRET_BYTES } from './vault-keys.js';

/** scrypt cost: N = 2^logN, block size r, parallelism p. Memory ≈ 128·N·r bytes. */
export interface KdfCost {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^16, r = 8, p = 1: 64 MiB (restic targets 60 MiB); about 0.25 s per attempt on a 2.6 GHz EPYC VM core. */
export const DEFAULT_KDF_COST: KdfCost = { logN: 16, r: 8, p: 1 };

export interface KeyEnvelopeMeta {
  readonly vaultId: VaultId;
  readonly keyId: KeyId;
  readonly createdAt: number;
  readonly kdf: KdfCost;
  readonly label: string;
}

const MAGIC = Buffer.from('AMBERKEY', 'latin1');
const CHECKSUM_BYTES = 32;
const SALT_BYTES = 32;
const KEK_BYTES = 32;
const KDF_LIMITS = { logN: [10, 22], r: [1, 32], p: [1, 16] } as const;
const MAX_KDF_MEMORY_BYTES = 1024 * 1024 * 1024;
const ENVELOPE_KEYS = ['formatVersion', 'vaultId', 'keyId', 'createdAt', 'label', 'kdf', 'wrapped'] as const;
const KDF_KEYS = ['alg', 'logN', 'r', 'p', 'salt'] as const;

interface ParsedEnvelope {
  readonly meta: KeyEnvelopeMeta;
  readonly salt: Buffer;
  readonly wrapped: Buffer;
}

export function newKeyId(): KeyId {
  return asKeyId(randomBytes(8).toString('hex'));
}

/** AAD of the wrapped master secret: binds it to its vault and key id. */
function wrapAad(vaultId: VaultId, keyId: KeyId): Buffer {
  return Buffer.from(`amber/v1/key/${vaultId}/${keyId}`, 'utf8');
}

function kdfProblem(kdf: KdfCost): string | undefined {
  for (const [name, [min, max]] of Object.entries(KDF_LIMITS)) {
    const value = kdf[name as keyof KdfCost];
    if (!Number.isSafeInteger(value) || value < min || value > max) return `scrypt ${name} must be ${min}..${max}`;
  }
  if (128 * 2 ** kdf.logN * kdf.r > MAX_KDF_MEMORY_BYTES) return 'scrypt would need more than 1 GiB of memory';
  return undefined;
}

/** The key-encryption key: scrypt(NFC-normalized UTF-8 passphrase, salt), on the libuv pool. */
function deriveKek(passphrase: string, salt: Buffer, kdf: KdfCost): Promise<Buffer> {
  return scryptKey(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, KEK_BYTES, kdf).catch((error: unknown) => {
    throw new AmberError('INTERNAL', 'The scrypt key derivation failed.', { cause: error });
  });
}

/** `keys/<keyId>`: "AMBERKEY" | JSON | SHA-256(all before). */
export async function sealKeyEnvelope(args: {
  masterSecret: Buffer;
  passphrase: string;
  vaultId: VaultId;
  keyId: KeyId;
  createdAt: number;
  label?: string;
  kdf?: KdfCost;
}): Promise<Buffer> {
  const kdf = args.kdf ?? DEFAULT_KDF_COST;
  const problem = kdfProblem(kdf);
  if (problem !== undefined) throw invalidValue('a key envelope', problem);
  if (args.masterSecret.length !== MASTER_SECRET_BYTES)
    throw invalidValue('a key envelope', 'the master secret is not 32 bytes');
  const salt = randomBytes(SALT_BYTES);
  const kek = await deriveKek(args.passphrase, salt, kdf);
  const wrapped = seal(kek, args.masterSecret, wrapAad(args.vaultId, args.keyId));
  const json = JSON.stringify({
    formatVersion: FORMAT_VERSION,
    vaultId: args.vaultId,
    keyId: args.keyId,
    createdAt: args.createdAt,
    label: args.label ?? '',
    kdf: { alg: 'scrypt', logN: kdf.logN, r: kdf.r, p: kdf.p, salt: salt.toString('base64') },
    wrapped: wrapped.toString('base64'),
  });
  const body = Buffer.concat([MAGIC, Buffer.from(json, 'utf8')]);
  const bytes = Buffer.concat([body, createHash('sha256').update(body).digest()]);
  parseEnvelope(bytes, args.keyId, (why) => {
    throw invalidValue('a key envelope', why);
  });
  return bytes;
}

/** Opens the envelope with the passphrase and returns the 32-byte master secret. */
export async function openKeyEnvelope(
  bytes: Uint8Array,
  passphrase: string,
  expected: { vaultId: VaultId; keyId: KeyId },
): Promise<Buffer> {
  const name = objectKeys.key(expected.keyId);
  const fail: Fail = (why) => {
    throw corruptObject(name, why);
  };
  const { meta, salt, wrapped } = parseEnvelope(bytes, expected.keyId, fail);
  if (meta.vaultId !== expected.vaultId) fail(`it belongs to vault ${meta.vaultId}, not ${expected.vaultId}`);
  const kek = await deriveKek(passphrase, salt, meta.kdf);
  const secret = tryOpen(kek, wrapped, wrapAad(meta.vaultId, meta.keyId));
  if (secret === undefined) {
    throw new AmberError('WRONG_PASSWORD', `The passphrase does not open key ${meta.keyId} of this vault.`, {
      details: { object: name, keyId: meta.keyId },
    });
  }
  if (secret.length !== MASTER_SECRET_BYTES) fail('the wrapped master secret is not 32 bytes');
  return secret;
}

/** The envelope's plaintext facts, checksum-verified; no passphrase needed. */
export function readKeyEnvelopeMeta(bytes: Uint8Array, keyId: KeyId): KeyEnvelopeMeta {
  const name = objectKeys.key(keyId);
  return parseEnvelope(bytes, keyId, (why) => {
    throw corruptObject(name, why);
  }).meta;
}

function parseEnvelope(bytes: Uint8Array, keyId: KeyId, fail: Fail): ParsedEnvelope {
  if (bytes.length < MAGIC.length + CHECKSUM_BYTES + 2) fail(`it is only ${bytes.length} bytes long`);
  if (!MAGIC.equals(bytes.subarray(0, MAGIC.length))) fail('it does not start with "AMBERKEY"');
  const bodyEnd = bytes.length - CHECKSUM_BYTES;
  const checksum = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest();
  if (!checksum.equals(bytes.subarray(bodyEnd))) fail('its SHA-256 checksum does not match');
  const record = asRecord(parseJson(bytes.subarray(MAGIC.length, bodyEnd), fail), 'the envelope', fail);
  if (record['formatVersion'] !== FORMAT_VERSION) {
    if (typeof record['formatVersion'] !== 'number') fail('it has no format version');
    throw unsupportedFormat(objectKeys.key(keyId), `format version ${String(record['formatVersion'])}`);
  }
  onlyKeys(record, ENVELOPE_KEYS, 'the envelope', fail);
  const vaultId = readString(record, 'vaultId', fail);
  if (!isVaultId(vaultId)) fail('the vault id is not 32 lowercase hex characters');
  const storedKeyId = readString(record, 'keyId', fail);
  if (!isKeyId(storedKeyId) || storedKeyId !== keyId) fail(`it names key "${storedKeyId}", not ${keyId}`);
  const { kdf, salt } = parseKdf(asRecord(record['kdf'], 'field "kdf"', fail), objectKeys.key(keyId), fail);
  const wrapped = readBase64(record, 'wrapped', fail);
  const meta: KeyEnvelopeMeta = {
    vaultId: asVaultId(vaultId),
    keyId,
    createdAt: readInteger(record, 'createdAt', fail),
    kdf,
    label: readString(record, 'label', fail),
  };
  return { meta, salt, wrapped };
}

function parseKdf(record: JsonRecord, name: string, fail: Fail): { kdf: KdfCost; salt: Buffer } {
  const alg = readString(record, 'alg', fail);
  if (alg !== 'scrypt') throw unsupportedFormat(name, `key derivation "${alg}"`);
  onlyKeys(record, KDF_KEYS, 'field "kdf"', fail);
  const kdf: KdfCost = {
    logN: readInteger(record, 'logN', fail),
    r: readInteger(record, 'r', fail),
    p: readInteger(record, 'p', fail),
  };
  const problem = kdfProblem(kdf);
  if (problem !== undefined) fail(problem);
  const salt = readBase64(record, 'salt', fail);
  if (salt.length !== SALT_BYTES) fail('the scrypt salt is not 32 bytes');
  return { kdf, salt };
}

function readBase64(record: JsonRecord, key: string, fail: Fail): Buffer {
  const text = readString(record, key, fail);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) fail(`field "${key}" is not canonical base64`);
  return bytes;
}
