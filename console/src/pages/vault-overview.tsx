import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { ProbeReport, Vault } from '../api/types.js';
import { DataLockMode } from '../components/badges.js';
import { ErrorNotice, SuccessNotice } from '../components/error-notice.js';
import { Field } from '../components/field.js';
import { PreflightReport } from '../components/preflight-report.js';
import { nowMs } from '../lib/clock.js';
import { formatBytes, formatDateTime, formatDays, formatIso, formatRelative } from '../lib/format.js';
import { useAction } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';
import { LockDialog } from './lock-dialog.js';

/** The vault panel: facts, the immutability switch, lock and cancel, guardrails and a storage probe. */
export function VaultOverview({ vault, onChanged }: { readonly vault: Vault; readonly onChanged: () => void }) {
  return (
    <div className="grid-2">
      <ImmutabilityCard vault={vault} onChanged={onChanged} />
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title">Vault</h2>
        <dl className="facts">
          <dt>Kind</dt>
          <dd>{vault.kind}</dd>
          <dt>Storage</dt>
          <dd className="mono wrap">{vault.location}</dd>
          <dt>Vault id</dt>
          <dd className="mono wrap">{vault.vaultId}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(vault.createdAt)}</dd>
          <dt>Recovery points</dt>
          <dd>{vault.points}</dd>
          <dt>Size</dt>
          <dd>
            {formatBytes(vault.sizeBytes)} <span className="muted">({formatBytes(vault.storedBytes)} stored)</span>
          </dd>
          <dt>Storage lock mode</dt>
          <dd>{vault.storageLockMode}</dd>
        </dl>
      </section>
      <GuardrailsCard vault={vault} onChanged={onChanged} />
      <ProbeCard vault={vault} />
    </div>
  );
}

function ImmutabilityCard({ vault, onChanged }: { readonly vault: Vault; readonly onChanged: () => void }) {
  const api = useApi();
  const { session } = useSession();
  const action = useAction();
  const [locking, setLocking] = useState(false);
  const manage = can(session, 'immutability.manage');
  const base = `/api/v1/vaults/${seg(vault.name)}/immutability`;
  const on = vault.state !== 'disabled';

  const toggle = async (): Promise<void> => {
    const done = await action.run(() => api.post(`${base}/${on ? 'disable' : 'enable'}`));
    if (done !== undefined) onChanged();
  };
  const cancelLock = async (): Promise<void> => {
    if ((await action.run(() => api.post(`${base}/cancel-lock`))) !== undefined) onChanged();
  };

  return (
    <section className="card" aria-labelledby="immutability-title" data-testid="immutability-card">
      <h2 id="immutability-title">Immutability</h2>
      <p>
        Data Lock Mode: <DataLockMode vault={vault} />
      </p>
      <p className="muted small">{explain(vault)}</p>
      <ErrorNotice error={action.error} />
      <div className="switch-row">
        <button
          type="button"
          role="switch"
          aria-checked={on}
          className="switch"
          disabled={!manage || action.pending || vault.state === 'locked'}
          onClick={() => void toggle()}
          aria-describedby="immutability-switch-hint"
        >
          <span className="switch-track" aria-hidden="true">
            <span className="switch-thumb" />
          </span>
          Immutability
        </button>
        <span id="immutability-switch-hint" className="muted small">
          {vault.state === 'locked'
            ? 'A locked vault stays immutable for ever.'
            : on
              ? 'On: turning it off may need an approval.'
              : 'Off: recovery points can be deleted at any time.'}
        </span>
      </div>
      {manage && vault.state === 'enabled' ? (
        <button type="button" className="button-danger" onClick={() => setLocking(true)}>
          Lock…
        </button>
      ) : null}
      {manage && vault.state === 'locking' ? (
        <button type="button" onClick={() => void cancelLock()} disabled={action.pending}>
          Cancel the lock
        </button>
      ) : null}
      <LockDialog
        vault={vault}
        open={locking}
        onClose={() => setLocking(false)}
        onLocked={() => {
          setLocking(false);
          onChanged();
        }}
      />
    </section>
  );
}

function explain(vault: Vault): string {
  switch (vault.state) {
    case 'disabled':
      return 'Recovery points can be deleted before their retention ends. Enabling applies to every existing and new point.';
    case 'enabled':
      return 'Points cannot be deleted or shortened before they expire (governance: a bypass needs permission and an approval). Reversible.';
    case 'locking':
      return vault.lockEffectiveAt === undefined
        ? 'The lock is in its cooling-off period and can still be cancelled.'
        : `The lock becomes final ${formatRelative(vault.lockEffectiveAt, nowMs())} (${formatIso(vault.lockEffectiveAt)}); until then it can be cancelled.`;
    case 'locked':
      return 'Compliance lock: nobody can disable immutability, shorten retention or delete unexpired points. Irreversible.';
  }
}

function GuardrailsCard({ vault, onChanged }: { readonly vault: Vault; readonly onChanged: () => void }) {
  const api = useApi();
  const { session } = useSession();
  const action = useAction();
  const [min, setMin] = useState(vault.minRetentionDays?.toString() ?? '');
  const [max, setMax] = useState(vault.maxRetentionDays?.toString() ?? '');
  const [saved, setSaved] = useState(false);
  const editable = can(session, 'vault.manage');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    const body = {
      minRetentionDays: min === '' ? null : Number(min),
      maxRetentionDays: max === '' ? null : Number(max),
    };
    if ((await action.run(() => api.patch(`/api/v1/vaults/${seg(vault.name)}`, body))) !== undefined) {
      setSaved(true);
      onChanged();
    }
  };

  return (
    <section className="card" aria-labelledby="guardrails-title">
      <h2 id="guardrails-title">Retention guardrails</h2>
      <p className="muted small">
        Backups and policies whose retention is outside these bounds are refused. Now: min{' '}
        {formatDays(vault.minRetentionDays)}, max {formatDays(vault.maxRetentionDays)}; storage locks end on{' '}
        {vault.lockGenerationDays}-day generations.
      </p>
      <form className="form form-inline" onSubmit={(e) => void submit(e)}>
        <Field label="Minimum retention (days)">
          <input
            type="number"
            min={0}
            max={36500}
            value={min}
            disabled={!editable}
            onChange={(e) => setMin(e.target.value)}
          />
        </Field>
        <Field label="Maximum retention (days)">
          <input
            type="number"
            min={1}
            max={36500}
            value={max}
            disabled={!editable}
            onChange={(e) => setMax(e.target.value)}
          />
        </Field>
        {editable ? (
          <button type="submit" disabled={action.pending}>
            Save guardrails
          </button>
        ) : null}
      </form>
      <ErrorNotice error={action.error} />
      {saved ? <SuccessNotice>Guardrails saved.</SuccessNotice> : null}
    </section>
  );
}

function ProbeCard({ vault }: { readonly vault: Vault }) {
  const api = useApi();
  const action = useAction();
  const [report, setReport] = useState<ProbeReport | undefined>(undefined);
  const probe = async (): Promise<void> => {
    setReport(await action.run(() => api.get<ProbeReport>(`/api/v1/vaults/${seg(vault.name)}/doctor`)));
  };
  return (
    <section className="card" aria-labelledby="probe-title">
      <h2 id="probe-title">Storage check</h2>
      <p className="muted small">
        Probes what the storage really enforces: write-once files, locks, the immutable attribute.
      </p>
      <button type="button" onClick={() => void probe()} disabled={action.pending}>
        {action.pending ? 'Checking…' : 'Check storage'}
      </button>
      <ErrorNotice error={action.error} />
      {report === undefined ? null : <PreflightReport report={report} />}
    </section>
  );
}
