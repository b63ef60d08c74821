import type { VaultImmutability } from '../core/immutability/immutability-state.js';
import type { RetentionPolicy } from '../core/retention/retention-policy.js';
import type { VaultId } from '../core/ids.js';
import { sealAfter, tryOpen } from './aead.js';
import { corruptObject, unsupportedFormat } from './format-errors.js';
import type { VaultKeys } from './vault-keys.js';

/**
 * A vault's settings: immutability, retention guardrails, policies, protected items and legal holds.
 * They live in storage (so the catalog can be rebuilt from storage alone) as a journal of write-once
 * documents `settings/<seq>`, `seq` a 16-hex-digit counter; the highest readable one is current. Each
 * is sealed with the vault's data key, so nobody without a key can forge one (docs/format.md §11).
 */
export interface PolicySettings {
  readonly name: string;
  readonly retention: RetentionPolicy;
  /** A cron expression (5 fields), run in `timeZone`; absent = on demand only. */
  readonly schedule?: string;
  readonly timeZone: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ItemState = 'protected' | 'stopped-retain' | 'stopped-delete';

export interface ItemSettings {
  readonly name: string;
  readonly policy: string;
  readonly paths: readonly string[];
  readonly state: ItemState;
  readonly createdAt: number;
}

export interface LegalHold {
  readonly pointId: string;
  readonly reason: string;
  readonly setAt: number;
}

export interface VaultSettings {
  readonly formatVersion: 1;
  readonly vaultId: VaultId;
  readonly seq: number;
  readonly writtenAt: number;
  readonly immutability: VaultImmutability;
  readonly minRetentionDays?: number;
  readonly maxRetentionDays?: number;
  /** Storage locks end on multiples of this many days (DESIGN §3.3). */
  readonly lockGenerationDays: number;
  readonly policies: readonly PolicySettings[];
  readonly items: readonly ItemSettings[];
  readonly holds: readonly LegalHold[];
}

const MAGIC = Buffer.from('AMBERSET', 'latin1');

export function settingsKey(seq: number): string {
  return `settings/${seq.toString(16).padStart(16, '0')}`;
}

export function settingsSeqOf(key: string): number | undefined {
  const match = /^settings\/([0-9a-f]{16})$/.exec(key);
  return match === null ? undefined : parseInt(match[1] as string, 16);
}

function aad(vaultId: VaultId, seq: number): Buffer {
  return Buffer.from(`amber/v1/settings/${vaultId}/${seq}`, 'utf8');
}

export function encodeVaultSettings(keys: VaultKeys, settings: VaultSettings): Buffer {
  const body = Buffer.from(JSON.stringify(settings), 'utf8');
  return sealAfter(MAGIC, keys.dataKey, body, aad(settings.vaultId, settings.seq));
}

export function decodeVaultSettings(keys: VaultKeys, vaultId: VaultId, seq: number, bytes: Uint8Array): VaultSettings {
  const name = settingsKey(seq);
  if (bytes.length < MAGIC.length || !MAGIC.equals(bytes.subarray(0, MAGIC.length))) {
    throw corruptObject(name, 'it does not start with "AMBERSET"', { object: name });
  }
  const plain = tryOpen(keys.dataKey, bytes.subarray(MAGIC.length), aad(vaultId, seq));
  if (plain === undefined) throw corruptObject(name, 'it fails authentication', { object: name });
  let value: unknown;
  try {
    value = JSON.parse(plain.toString('utf8'));
  } catch {
    throw corruptObject(name, 'its body is not JSON', { object: name });
  }
  const settings = value as VaultSettings;
  if (settings.formatVersion !== 1) throw unsupportedFormat(name, `format version ${String(settings.formatVersion)}`);
  const shapeOk =
    settings.vaultId === vaultId &&
    settings.seq === seq &&
    typeof settings.immutability?.state === 'string' &&
    Array.isArray(settings.policies) &&
    Array.isArray(settings.items) &&
    Array.isArray(settings.holds) &&
    Number.isInteger(settings.lockGenerationDays);
  if (!shapeOk) throw corruptObject(name, 'its fields are malformed', { object: name });
  return settings;
}

export function initialVaultSettings(vaultId: VaultId, nowMs: number): VaultSettings {
  return {
    formatVersion: 1,
    vaultId,
    seq: 0,
    writtenAt: nowMs,
    immutability: { state: 'disabled' },
    lockGenerationDays: 10,
    policies: [],
    items: [],
    holds: [],
  };
}
