import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { Agent, Item, Job, Policy, StopOutcome, Vault } from '../api/types.js';
import { ItemStateBadge, JobStatusBadge } from '../components/badges.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice, SuccessNotice } from '../components/error-notice.js';
import { Field, Loading } from '../components/field.js';
import { formatDateTime } from '../lib/format.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';

/** Protected items: status, agent, last and next backup, back up now, stop protection, add. */
export function ItemsPanel({ vault }: { readonly vault: Vault }) {
  const api = useApi();
  const { session } = useSession();
  const base = `/api/v1/vaults/${seg(vault.name)}/items`;
  const items = useResource(() => api.get<Item[]>(base), [api, base], 5000);
  const action = useAction();
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [stopping, setStopping] = useState<Item | undefined>(undefined);

  const backUpNow = async (item: Item): Promise<void> => {
    setMessage(undefined);
    const job = await action.run(() => api.post<Job>(`${base}/${seg(item.name)}/backup`));
    if (job === undefined) return;
    setMessage(`Backup of ${item.name} queued as job ${job.id}${job.agent === null ? '' : ` for agent ${job.agent}`}.`);
    items.reload();
  };

  return (
    <section aria-labelledby="items-title">
      <div className="section-header">
        <h2 id="items-title">Protected items</h2>
        {can(session, 'item.manage') ? (
          <button type="button" className="button-primary" onClick={() => setAdding(true)}>
            Add item
          </button>
        ) : null}
      </div>
      <ErrorNotice error={items.error ?? action.error} />
      {message === undefined ? null : <SuccessNotice>{message}</SuccessNotice>}
      {items.data === undefined ? (
        items.error === undefined ? (
          <Loading what="items" />
        ) : null
      ) : items.data.length === 0 ? (
        <p className="muted">No protected items yet.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Protected items table">
          <table className="table table-stack" data-testid="items-table">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Paths</th>
                <th scope="col">Status</th>
                <th scope="col">Policy</th>
                <th scope="col">Agent</th>
                <th scope="col">Last backup</th>
                <th scope="col">Next backup</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.data.map((item) => (
                <tr key={item.name}>
                  <th scope="row">{item.name}</th>
                  <td data-label="Paths" className="mono wrap small">
                    {item.paths.join(', ')}
                  </td>
                  <td data-label="Status">
                    <ItemStateBadge state={item.state} />{' '}
                    {item.lastJob === null ? null : <JobStatusBadge status={item.lastJob.status} />}
                    {item.lastJob?.status === 'failed' && item.lastJob.message !== null ? (
                      <div className="small bad-text">{item.lastJob.message}</div>
                    ) : null}
                  </td>
                  <td data-label="Policy">{item.policy}</td>
                  <td data-label="Agent">{item.agent ?? <span className="muted">none</span>}</td>
                  <td data-label="Last backup">{formatDateTime(item.lastBackupAt)}</td>
                  <td data-label="Next backup">{formatDateTime(item.nextBackupAt)}</td>
                  <td data-label="Actions" className="actions">
                    {can(session, 'backup.run') && item.state === 'protected' ? (
                      <button type="button" onClick={() => void backUpNow(item)} disabled={action.pending}>
                        Back up now<span className="sr-only"> {item.name}</span>
                      </button>
                    ) : null}
                    {can(session, 'item.stop') && item.state === 'protected' ? (
                      <button type="button" onClick={() => setStopping(item)}>
                        Stop protection<span className="sr-only"> of {item.name}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={adding} title="Add a protected item" onClose={() => setAdding(false)}>
        <AddItemForm
          vault={vault}
          onAdded={() => {
            setAdding(false);
            items.reload();
          }}
          onCancel={() => setAdding(false)}
        />
      </Dialog>
      <Dialog
        open={stopping !== undefined}
        title={`Stop protecting ${stopping?.name ?? ''}`}
        onClose={() => {
          setStopping(undefined);
          items.reload();
        }}
      >
        {stopping === undefined ? null : (
          <StopForm vault={vault} item={stopping} onDone={() => setStopping(undefined)} />
        )}
      </Dialog>
    </section>
  );
}

function AddItemForm({
  vault,
  onAdded,
  onCancel,
}: {
  readonly vault: Vault;
  readonly onAdded: () => void;
  readonly onCancel: () => void;
}) {
  const api = useApi();
  const action = useAction();
  const options = useResource(
    () =>
      Promise.all([
        api.get<Policy[]>(`/api/v1/vaults/${seg(vault.name)}/policies`),
        api.get<Agent[]>('/api/v1/agents'),
      ]),
    [api, vault.name],
  );
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState('');
  const [paths, setPaths] = useState('');
  const [agent, setAgent] = useState('');
  const policies = options.data?.[0] ?? [];
  const agents = (options.data?.[1] ?? []).filter((a) => a.vault === vault.name);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = {
      name: name.trim(),
      policy: policy === '' ? (policies[0]?.name ?? '') : policy,
      paths: paths
        .split('\n')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      ...(agent === '' ? {} : { agent }),
    };
    if ((await action.run(() => api.post(`/api/v1/vaults/${seg(vault.name)}/items`, body))) !== undefined) onAdded();
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <ErrorNotice error={options.error ?? action.error} />
      <Field label="Name">
        <input required maxLength={128} autoFocus value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Policy">
        <select required value={policy} onChange={(e) => setPolicy(e.target.value)}>
          {policies.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Paths on the agent's host (one per line)">
        <textarea required rows={3} className="mono" value={paths} onChange={(e) => setPaths(e.target.value)} />
      </Field>
      <Field label="Agent">
        <select value={agent} onChange={(e) => setAgent(e.target.value)}>
          <option value="">No agent (back up with the CLI)</option>
          {agents.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name} ({a.hostname})
            </option>
          ))}
        </select>
      </Field>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={action.pending || policies.length === 0}>
          Add item
        </button>
      </div>
    </form>
  );
}

function StopForm({
  vault,
  item,
  onDone,
}: {
  readonly vault: Vault;
  readonly item: Item;
  readonly onDone: () => void;
}) {
  const api = useApi();
  const { session } = useSession();
  const action = useAction();
  const [deleteData, setDeleteData] = useState(false);
  const [outcome, setOutcome] = useState<StopOutcome | undefined>(undefined);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const path = `/api/v1/vaults/${seg(vault.name)}/items/${seg(item.name)}/stop`;
    setOutcome(await action.run(() => api.post<StopOutcome>(path, { deleteData })));
  };

  if (outcome !== undefined) {
    return (
      <div className="form">
        <SuccessNotice>
          Protection of {item.name} stopped
          {deleteData
            ? `: ${outcome.deletedPoints.length} points deleted${outcome.deferredPoints.length === 0 ? '' : `, ${outcome.deferredPoints.length} left to maintenance until their storage lock lapses`}.`
            : '; its recovery points are kept until they expire.'}
        </SuccessNotice>
        <div className="form-actions">
          <button type="button" className="button-primary" onClick={onDone}>
            Close
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <p>No new backups of {item.name} will run. What happens to its recovery points?</p>
      <label className="check">
        <input type="radio" name="data" checked={!deleteData} onChange={() => setDeleteData(false)} autoFocus />
        Retain the data: points stay until their retention ends
      </label>
      <label className="check">
        <input
          type="radio"
          name="data"
          checked={deleteData}
          disabled={!can(session, 'item.delete-data')}
          onChange={() => setDeleteData(true)}
        />
        Delete the data: refused while the vault is immutable and unexpired points exist
      </label>
      <ErrorNotice error={action.error} />
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className={deleteData ? 'button-danger' : 'button-primary'} disabled={action.pending}>
          Stop protection
        </button>
      </div>
    </form>
  );
}
