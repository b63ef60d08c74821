import { useState } from 'react';
import { seg } from '../api/api-client.js';
import type { Policy, RetentionPolicy, Vault } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Loading } from '../components/field.js';
import { formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';
import { PolicyForm } from './policy-form.js';

/** "keep 30 days" or "GFS: 7 daily, 4 weekly, 12 monthly, 0 yearly". */
export function describeRetention(retention: RetentionPolicy): string {
  if (retention.kind === 'simple') return `Keep ${retention.keepDays} day${retention.keepDays === 1 ? '' : 's'}`;
  return `GFS: ${retention.daily} daily · ${retention.weekly} weekly · ${retention.monthly} monthly · ${retention.yearly} yearly`;
}

/** The vault's policies: create, and edit (a reduction may be refused with the rule, or need approval). */
export function PoliciesPanel({ vault }: { readonly vault: Vault }) {
  const api = useApi();
  const { session } = useSession();
  const policies = useResource(
    () => api.get<Policy[]>(`/api/v1/vaults/${seg(vault.name)}/policies`),
    [api, vault.name],
  );
  const [editing, setEditing] = useState<Policy | 'new' | undefined>(undefined);
  const manage = can(session, 'policy.manage');

  return (
    <section aria-labelledby="policies-title">
      <div className="section-header">
        <h2 id="policies-title">Policies</h2>
        {manage ? (
          <button type="button" className="button-primary" onClick={() => setEditing('new')}>
            Create policy
          </button>
        ) : null}
      </div>
      <ErrorNotice error={policies.error} />
      {policies.data === undefined ? (
        policies.error === undefined ? (
          <Loading what="policies" />
        ) : null
      ) : policies.data.length === 0 ? (
        <p className="muted">No policies yet. A policy sets the schedule and retention of the items bound to it.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Policies table">
          <table className="table" data-testid="policies-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Retention</th>
                <th scope="col">Schedule</th>
                <th scope="col">Time zone</th>
                <th scope="col">Changed</th>
                {manage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {policies.data.map((policy) => (
                <tr key={policy.name}>
                  <th scope="row">{policy.name}</th>
                  <td>{describeRetention(policy.retention)}</td>
                  <td className="mono">{policy.schedule ?? <span className="muted">on demand</span>}</td>
                  <td>{policy.timeZone}</td>
                  <td>{formatDateTime(policy.updatedAt)}</td>
                  {manage ? (
                    <td>
                      <button
                        type="button"
                        onClick={() => setEditing(policy)}
                        aria-label={`Edit policy ${policy.name}`}
                      >
                        Edit
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={editing !== undefined}
        title={editing === 'new' || editing === undefined ? 'Create a policy' : `Edit policy ${editing.name}`}
        onClose={() => setEditing(undefined)}
      >
        {editing === undefined ? null : (
          <PolicyForm
            vault={vault}
            policy={editing === 'new' ? undefined : editing}
            onSaved={() => {
              setEditing(undefined);
              policies.reload();
            }}
            onCancel={() => setEditing(undefined)}
          />
        )}
      </Dialog>
    </section>
  );
}
