import { randomBytes } from 'node:crypto';
import { asVaultId, type VaultId } from '../core/ids.js';

export function newVaultId(): VaultId {
  return asVaultId(randomBytes(16).toString('hex'));
}
