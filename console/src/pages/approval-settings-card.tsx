import { useEffect, useState, type FormEvent } from 'react';
import { PROTECTED_OPERATIONS, type ApprovalSettings, type ProtectedOperation } from '../api/types.js';
import { ErrorNotice, SuccessNotice } from '../components/error-notice.js';
import { Field } from '../components/field.js';
import { MS_PER_HOUR } from '../lib/clock.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';

/** Approval settings: everyone who reads approvals sees them; admins change them (which may itself need approval). */
export function ApprovalSettingsCard() {
  const api = useApi();
  const { session } = useSession();
  const settings = useResource(() => api.get<ApprovalSettings>('/api/v1/approvals/settings'), [api]);
  const action = useAction();
  const [draft, setDraft] = useState<ApprovalSettings | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const editable = can(session, 'approval.configure');
  useEffect(() => setDraft(settings.data), [settings.data]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (draft === undefined) return;
    setSaved(false);
    const body = {
      enabled: draft.enabled,
      requiredApprovals: draft.requiredApprovals,
      operations: draft.operations,
      requestTtlMs: draft.requestTtlMs,
    };
    if ((await action.run(() => api.put('/api/v1/approvals/settings', body))) !== undefined) {
      setSaved(true);
      settings.reload();
    }
  };
  const toggleOperation = (operation: ProtectedOperation, on: boolean): void => {
    if (draft === undefined) return;
    const chosen = new Set(draft.operations);
    if (on) chosen.add(operation);
    else chosen.delete(operation);
    setDraft({ ...draft, operations: PROTECTED_OPERATIONS.filter((o) => chosen.has(o)) });
  };

  return (
    <section className="card" aria-labelledby="approval-settings-title">
      <h2 id="approval-settings-title">Approval settings</h2>
      <ErrorNotice error={settings.error} />
      {draft === undefined ? null : (
        <form className="form" onSubmit={(e) => void submit(e)}>
          <fieldset className="fieldset" disabled={!editable}>
            <legend className="sr-only">Approval settings</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.enabled}
                onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
              />
              Require approvals for protected operations
            </label>
            <div className="form-row">
              <Field label="Approvals needed">
                <input
                  type="number"
                  min={1}
                  max={10}
                  value={draft.requiredApprovals}
                  onChange={(e) => setDraft({ ...draft, requiredApprovals: Number(e.target.value) })}
                />
              </Field>
              <Field label="Requests expire after (hours)">
                <input
                  type="number"
                  min={0.1}
                  step="any"
                  value={draft.requestTtlMs / MS_PER_HOUR}
                  onChange={(e) =>
                    setDraft({ ...draft, requestTtlMs: Math.round(Number(e.target.value) * MS_PER_HOUR) })
                  }
                />
              </Field>
            </div>
            <fieldset className="fieldset">
              <legend>Protected operations</legend>
              <div className="check-grid">
                {PROTECTED_OPERATIONS.map((operation) => (
                  <label className="check" key={operation}>
                    <input
                      type="checkbox"
                      checked={draft.operations.includes(operation)}
                      onChange={(e) => toggleOperation(operation, e.target.checked)}
                    />
                    <span className="mono">{operation}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          </fieldset>
          <ErrorNotice error={action.error} />
          {saved ? <SuccessNotice>Approval settings saved.</SuccessNotice> : null}
          {editable ? (
            <div className="form-actions">
              <button type="submit" disabled={action.pending}>
                Save approval settings
              </button>
            </div>
          ) : (
            <p className="muted small">Only administrators change these settings.</p>
          )}
        </form>
      )}
    </section>
  );
}
