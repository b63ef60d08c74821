import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { Policy, RetentionPolicy, Vault } from '../api/types.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field } from '../components/field.js';
import { useAction } from '../lib/use-resource.js';
import { useApi } from '../session/session-context.js';

export interface PolicyFormProps {
  readonly vault: Vault;
  /** The policy to edit; a new one when absent. */
  readonly policy: Policy | undefined;
  readonly onSaved: () => void;
  readonly onCancel: () => void;
}

type Tiers = { daily: string; weekly: string; monthly: string; yearly: string };

const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
const timeZones = (): readonly string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
};

/** Create or edit a policy: cron schedule and time zone, simple or GFS retention. */
export function PolicyForm({ vault, policy, onSaved, onCancel }: PolicyFormProps) {
  const api = useApi();
  const action = useAction();
  const initial = policy?.retention;
  const [name, setName] = useState(policy?.name ?? '');
  const [kind, setKind] = useState<RetentionPolicy['kind']>(initial?.kind ?? 'simple');
  const [keepDays, setKeepDays] = useState(initial?.kind === 'simple' ? String(initial.keepDays) : '30');
  const [tiers, setTiers] = useState<Tiers>(
    initial?.kind === 'gfs'
      ? {
          daily: String(initial.daily),
          weekly: String(initial.weekly),
          monthly: String(initial.monthly),
          yearly: String(initial.yearly),
        }
      : { daily: '7', weekly: '4', monthly: '12', yearly: '0' },
  );
  const [schedule, setSchedule] = useState(policy?.schedule ?? '');
  const [timeZone, setTimeZone] = useState(policy?.timeZone ?? browserTimeZone());
  const [reason, setReason] = useState('');

  const retention = (): RetentionPolicy =>
    kind === 'simple'
      ? { kind, keepDays: Number(keepDays) }
      : {
          kind,
          daily: Number(tiers.daily),
          weekly: Number(tiers.weekly),
          monthly: Number(tiers.monthly),
          yearly: Number(tiers.yearly),
        };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const base = `/api/v1/vaults/${seg(vault.name)}/policies`;
    const done = await action.run(() =>
      policy === undefined
        ? api.post(base, {
            name: name.trim(),
            retention: retention(),
            ...(schedule.trim() === '' ? {} : { schedule: schedule.trim() }),
            timeZone,
          })
        : api.patch(`${base}/${seg(policy.name)}`, {
            retention: retention(),
            schedule: schedule.trim() === '' ? null : schedule.trim(),
            timeZone,
            ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
          }),
    );
    if (done !== undefined) onSaved();
  };

  const tier = (key: keyof Tiers, label: string) => (
    <Field label={label}>
      <input
        type="number"
        min={0}
        required
        value={tiers[key]}
        onChange={(e) => setTiers({ ...tiers, [key]: e.target.value })}
      />
    </Field>
  );

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="policy-form">
      {vault.state === 'disabled' ? null : (
        <p className="notice notice-info">
          Immutability is on for {vault.name}: retention can be increased at any time, but a reduction is refused (or
          needs a bypass and an approval while the vault is not locked).
        </p>
      )}
      <ErrorNotice error={action.error} />
      {policy === undefined ? (
        <Field label="Name">
          <input required maxLength={128} autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      ) : null}
      <fieldset className="fieldset">
        <legend>Retention</legend>
        <label className="check">
          <input type="radio" name="kind" checked={kind === 'simple'} onChange={() => setKind('simple')} />
          Simple: keep every point a number of days
        </label>
        <label className="check">
          <input type="radio" name="kind" checked={kind === 'gfs'} onChange={() => setKind('gfs')} />
          GFS: keep the first point of each day, week, month and year
        </label>
        {kind === 'simple' ? (
          <Field label="Keep (days)">
            <input
              type="number"
              min={0}
              max={36500}
              required
              value={keepDays}
              onChange={(e) => setKeepDays(e.target.value)}
            />
          </Field>
        ) : (
          <div className="form-row">
            {tier('daily', 'Daily (days)')}
            {tier('weekly', 'Weekly (weeks)')}
            {tier('monthly', 'Monthly (months)')}
            {tier('yearly', 'Yearly (years)')}
          </div>
        )}
      </fieldset>
      <Field label="Schedule (cron, 5 fields)" hint="e.g. 0 2 * * * for 02:00 every day; empty: on demand only.">
        <input
          className="mono"
          value={schedule}
          placeholder="0 2 * * *"
          onChange={(e) => setSchedule(e.target.value)}
        />
      </Field>
      <Field label="Time zone">
        <input list="time-zones" required value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
      </Field>
      <datalist id="time-zones">
        {timeZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {policy === undefined ? null : (
        <Field label="Reason (for the audit trail and approvers)">
          <input maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={action.pending}>
          {policy === undefined ? 'Create policy' : 'Save policy'}
        </button>
      </div>
    </form>
  );
}
