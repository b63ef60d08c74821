import type { ImmutabilityState, ItemState, JobStatus, Vault } from '../api/types.js';
import { formatDateTime, formatIso } from '../lib/format.js';

/** The Data Lock Mode of a vault as people name it: Disabled, Enabled, Locking until …, Locked. */
export function dataLockModeText(vault: Pick<Vault, 'state' | 'lockEffectiveAt'>): string {
  switch (vault.state) {
    case 'disabled':
      return 'Disabled';
    case 'enabled':
      return 'Enabled';
    case 'locking':
      return `Locking until ${formatDateTime(vault.lockEffectiveAt)}`;
    case 'locked':
      return 'Locked';
  }
}

const LOCK_CLASS: Readonly<Record<ImmutabilityState, string>> = {
  disabled: 'badge-muted',
  enabled: 'badge-info',
  locking: 'badge-warn',
  locked: 'badge-lock',
};

export function DataLockMode({ vault }: { readonly vault: Pick<Vault, 'state' | 'lockEffectiveAt'> }) {
  return (
    <span
      className={`badge ${LOCK_CLASS[vault.state]}`}
      data-testid="data-lock-mode"
      title={vault.lockEffectiveAt === undefined ? undefined : `Final at ${formatIso(vault.lockEffectiveAt)}`}
    >
      {vault.state === 'locked' ? <LockIcon /> : null}
      {dataLockModeText(vault)}
    </span>
  );
}

const JOB_CLASS: Readonly<Record<JobStatus, string>> = {
  queued: 'badge-muted',
  running: 'badge-info',
  succeeded: 'badge-ok',
  failed: 'badge-bad',
  canceled: 'badge-muted',
};

export function JobStatusBadge({ status }: { readonly status: JobStatus }) {
  return <span className={`badge ${JOB_CLASS[status]}`}>{status}</span>;
}

const ITEM_TEXT: Readonly<Record<ItemState, string>> = {
  protected: 'Protected',
  'stopped-retain': 'Stopped (data retained)',
  'stopped-delete': 'Stopped (data deleted)',
};

export function ItemStateBadge({ state }: { readonly state: ItemState }) {
  return <span className={`badge ${state === 'protected' ? 'badge-ok' : 'badge-muted'}`}>{ITEM_TEXT[state]}</span>;
}

export function OutcomeBadge({ outcome }: { readonly outcome: string }) {
  const cls = outcome === 'ok' ? 'badge-ok' : outcome === 'refused' ? 'badge-warn' : 'badge-bad';
  return <span className={`badge ${cls}`}>{outcome}</span>;
}

/** A padlock, drawn (no emoji font needed), for locked vaults. */
export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z" />
    </svg>
  );
}
