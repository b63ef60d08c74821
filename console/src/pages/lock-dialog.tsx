import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { Vault } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field } from '../components/field.js';
import { useAction } from '../lib/use-resource.js';
import { useApi } from '../session/session-context.js';

export interface LockDialogProps {
  readonly vault: Vault;
  readonly open: boolean;
  readonly onClose: () => void;
  readonly onLocked: () => void;
}

/**
 * The confirmation in front of an irreversible act: it says what cannot be undone, asks for the
 * cooling-off period and for the vault's name to be typed, and sends confirmName,
 * confirmedIrreversible and coolingOffHours. The server checks the name again.
 */
export function LockDialog({ vault, open, onClose, onLocked }: LockDialogProps) {
  return (
    <Dialog open={open} title={`Lock vault ${vault.name}?`} onClose={onClose} className="dialog-danger">
      <LockForm vault={vault} onClose={onClose} onLocked={onLocked} />
    </Dialog>
  );
}

function LockForm({ vault, onClose, onLocked }: Omit<LockDialogProps, 'open'>) {
  const api = useApi();
  const action = useAction();
  const [typed, setTyped] = useState('');
  const [hours, setHours] = useState('72');
  const [understood, setUnderstood] = useState(false);
  const coolingOffHours = Number(hours);
  const ready = typed === vault.name && understood && hours !== '' && coolingOffHours >= 0;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!ready) return;
    const body = { confirmName: typed, confirmedIrreversible: true, coolingOffHours };
    const done = await action.run(() => api.post(`/api/v1/vaults/${seg(vault.name)}/immutability/lock`, body));
    if (done !== undefined) onLocked();
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="lock-form">
      <div className="warning" id="lock-warning">
        <p>
          <strong>Locking is irreversible.</strong> When the cooling-off period ends, nobody — no administrator, no
          security officer, no one with access to the server — can disable immutability, shorten a retention or delete a
          recovery point of <strong>{vault.name}</strong> before it expires. The vault can be deleted only once every
          point in it has expired.
        </p>
        <p>During the cooling-off period you can still cancel the lock.</p>
      </div>
      <ErrorNotice error={action.error} />
      <Field
        label="Cooling-off period (hours)"
        hint={
          coolingOffHours === 0
            ? 'No cooling-off: the lock is final the moment you confirm.'
            : 'Default 72 hours; the server may set a minimum.'
        }
      >
        <input
          type="number"
          min={0}
          max={2160}
          step="any"
          required
          value={hours}
          onChange={(e) => setHours(e.target.value)}
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />I understand
        that this lock cannot be undone once the cooling-off period ends.
      </label>
      <Field label={`Type the vault name (${vault.name}) to confirm`}>
        <input
          name="confirm-name"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={typed}
          aria-describedby="lock-warning"
          onChange={(e) => setTyped(e.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button-danger" disabled={!ready || action.pending}>
          {action.pending ? 'Locking…' : 'Lock the vault'}
        </button>
      </div>
    </form>
  );
}
