import { isAmberError } from '../core/errors.js';
import { effectiveImmutability } from '../core/immutability/immutability-state.js';
import type { Clock } from '../core/clock.js';
import type { PutOptions } from '../storage/object-store.js';
import {
  decodeVaultSettings,
  encodeVaultSettings,
  initialVaultSettings,
  settingsKey,
  settingsSeqOf,
  type VaultSettings,
} from '../format/vault-settings.js';
import type { Repository } from '../engine/repository.js';

/**
 * Reads and appends the vault's settings journal (`settings/<seq>`, write-once). The current
 * settings are the newest readable document, except that a vault once locked stays locked: if any
 * document records an effective lock, the result is locked whatever newer documents say.
 */
export async function loadSettings(repo: Repository, clock: Clock): Promise<VaultSettings> {
  const seqs: number[] = [];
  for await (const object of repo.store.list('settings/')) {
    const seq = settingsSeqOf(object.key);
    if (seq !== undefined) seqs.push(seq);
  }
  seqs.sort((a, b) => b - a);
  let current: VaultSettings | undefined;
  let lockedBy: VaultSettings | undefined;
  for (const seq of seqs) {
    let doc: VaultSettings;
    try {
      doc = decodeVaultSettings(repo.keys, repo.vaultId, seq, await repo.store.get(settingsKey(seq)));
    } catch (error) {
      if (isAmberError(error, 'CORRUPT_OBJECT') || isAmberError(error, 'NOT_FOUND')) continue;
      throw error;
    }
    current ??= doc;
    if (effectiveImmutability(doc.immutability, clock.nowMs()).state === 'locked') {
      lockedBy = doc;
      break;
    }
  }
  const settings = current ?? initialVaultSettings(repo.vaultId, repo.header.createdAt);
  if (lockedBy !== undefined && effectiveImmutability(settings.immutability, clock.nowMs()).state !== 'locked') {
    return { ...settings, immutability: lockedBy.immutability };
  }
  return settings;
}

/** Writes the next settings document; a concurrent writer that took the same seq fails with ALREADY_EXISTS. */
export async function saveSettings(
  repo: Repository,
  previous: VaultSettings,
  changes: Partial<Omit<VaultSettings, 'formatVersion' | 'vaultId' | 'seq' | 'writtenAt'>>,
  clock: Clock,
  putOptions?: PutOptions,
): Promise<VaultSettings> {
  const next: VaultSettings = { ...previous, ...changes, seq: previous.seq + 1, writtenAt: clock.nowMs() };
  await repo.store.put(settingsKey(next.seq), encodeVaultSettings(repo.keys, next), putOptions);
  return next;
}
