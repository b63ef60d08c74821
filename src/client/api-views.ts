import type { JobView as CatalogJobView } from '../catalog/job-view.js';
import type { ItemSettings } from '../format/vault-settings.js';
import type { ImmutabilityView } from '../vault/immutability-admin.js';

/**
 * The server answers with more than the vault service returns (a vault's name, size and point count;
 * an item's agent and last backup). The CLI prints what the embedded service returns, so its output is
 * the same in both modes: these keep exactly the vault service's fields.
 */
export function immutabilityViewOf(answer: unknown): ImmutabilityView {
  const a = answer as ImmutabilityView;
  return {
    vaultId: a.vaultId,
    state: a.state,
    ...(a.lockRequestedAt === undefined ? {} : { lockRequestedAt: a.lockRequestedAt }),
    ...(a.lockEffectiveAt === undefined ? {} : { lockEffectiveAt: a.lockEffectiveAt }),
    storageLockMode: a.storageLockMode,
    ...(a.minRetentionDays === undefined ? {} : { minRetentionDays: a.minRetentionDays }),
    ...(a.maxRetentionDays === undefined ? {} : { maxRetentionDays: a.maxRetentionDays }),
    lockGenerationDays: a.lockGenerationDays,
  };
}

export function itemSettingsOf(answer: unknown): ItemSettings {
  const a = answer as ItemSettings;
  return { name: a.name, policy: a.policy, paths: a.paths, state: a.state, createdAt: a.createdAt };
}

/** A job as the API shows it (times in epoch ms); a claimed backup job carries its item's paths. */
export type JobView = CatalogJobView & { readonly paths?: readonly string[] };

/** A user as the API shows it (instants as ISO text). */
export interface UserView {
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
}

/** A token as the API lists it (never its secret; instants as ISO text). */
export interface TokenView {
  readonly id: string;
  readonly kind: string;
  readonly principal: string;
  readonly label: string;
  readonly vault: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** The answer to a sign-in. */
export interface LoginAnswer {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: string;
  readonly user: UserView;
}

/** The answer to an agent's registration: its identity and the passphrase of its key envelope. */
export interface AgentRegistration {
  readonly agent: string | { readonly name: string };
  readonly vault: string;
  readonly token: string;
  readonly keyPassphrase: string;
}
