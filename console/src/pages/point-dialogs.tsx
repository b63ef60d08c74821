import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { Agent, Job, ListedNode, Point, Vault } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice, SuccessNotice } from '../components/error-notice.js';
import { Field, Loading } from '../components/field.js';
import { formatBytes, formatIso, shortId } from '../lib/format.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';

interface PointDialogProps {
  readonly vault: Vault;
  readonly point: Point | undefined;
  readonly onClose: () => void;
}

/** A point's details and files, restore onto an agent's host, and its legal hold. */
export function PointDetailsDialog({
  vault,
  point,
  onClose,
  onChanged,
}: PointDialogProps & { readonly onChanged: () => void }) {
  return (
    <Dialog
      open={point !== undefined}
      title={`Recovery point ${point === undefined ? '' : shortId(point.id)}`}
      onClose={onClose}
    >
      {point === undefined ? null : <PointDetails vault={vault} point={point} onChanged={onChanged} />}
    </Dialog>
  );
}

function PointDetails({
  vault,
  point,
  onChanged,
}: {
  readonly vault: Vault;
  readonly point: Point;
  readonly onChanged: () => void;
}) {
  const api = useApi();
  const { session } = useSession();
  const path = `/api/v1/vaults/${seg(vault.name)}/points/${seg(point.id)}`;
  const shown = useResource(() => api.get<Point>(path), [api, path]);
  const current = shown.data ?? point;
  const hold = useResource(
    () => api.get<{ held: false } | { held: true; reason: string; setAt: number }>(`${path}/hold`),
    [api, path, current.legalHold],
  );
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Id</dt>
        <dd className="mono wrap">{current.id}</dd>
        <dt>Item</dt>
        <dd>{current.item}</dd>
        <dt>Host</dt>
        <dd>{current.hostname}</dd>
        <dt>Paths</dt>
        <dd className="mono wrap">{current.paths.join(', ') || '—'}</dd>
        <dt>Created</dt>
        <dd>{formatIso(current.createdAt)}</dd>
        <dt>Retained until</dt>
        <dd>{formatIso(current.retainUntil)}</dd>
        <dt>Tags</dt>
        <dd>{current.tags.join(', ') || '—'}</dd>
        <dt>Storage lock</dt>
        <dd>{current.lockMode}</dd>
        <dt>Legal hold</dt>
        <dd data-testid="point-hold">
          {current.legalHold ? (
            <>
              yes
              {hold.data?.held === true ? ` — ${hold.data.reason} (since ${formatIso(hold.data.setAt)})` : ''}
            </>
          ) : (
            'no'
          )}
        </dd>
        <dt>Contents</dt>
        <dd>
          {current.files} files, {current.dirs} directories, {formatBytes(current.sizeBytes)} (
          {formatBytes(current.addedStoredBytes)} new in storage)
        </dd>
      </dl>
      <FileList path={path} />
      {can(session, 'hold.manage') ? (
        <LegalHoldForm
          path={path}
          held={current.legalHold}
          onChanged={() => {
            shown.reload();
            onChanged();
          }}
        />
      ) : null}
      {can(session, 'restore.run') ? <RestoreForm vault={vault} path={path} /> : null}
    </div>
  );
}

function FileList({ path }: { readonly path: string }) {
  const api = useApi();
  const files = useResource(() => api.get<ListedNode[]>(`${path}/files`), [api, path]);
  return (
    <section aria-labelledby="files-title">
      <h3 id="files-title">Files (top level)</h3>
      <ErrorNotice error={files.error} />
      {files.data === undefined ? (
        files.error === undefined ? (
          <Loading what="files" />
        ) : null
      ) : (
        <ul className="file-list">
          {files.data.slice(0, 50).map((entry) => (
            <li key={entry.path} className="mono">
              {entry.path}
              {entry.node.type === 'dir' ? '/' : ''}
              {entry.node.size === undefined ? '' : ` (${formatBytes(entry.node.size)})`}
            </li>
          ))}
          {files.data.length > 50 ? <li className="muted">… and {files.data.length - 50} more</li> : null}
        </ul>
      )}
    </section>
  );
}

function LegalHoldForm({
  path,
  held,
  onChanged,
}: {
  readonly path: string;
  readonly held: boolean;
  readonly onChanged: () => void;
}) {
  const api = useApi();
  const action = useAction();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(undefined);
    const result = await action.run(() => (held ? api.del(`${path}/hold`) : api.post(`${path}/hold`, { reason })));
    if (result === undefined) return;
    setDone(held ? 'Legal hold released.' : 'Legal hold set.');
    onChanged();
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="hold-title">
      <h3 id="hold-title">Legal hold</h3>
      <p className="muted small">A held point cannot be deleted, whatever its retention, until the hold is released.</p>
      {held ? null : (
        <Field label="Reason">
          <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
      )}
      <ErrorNotice error={action.error} />
      {done === undefined ? null : <SuccessNotice>{done}</SuccessNotice>}
      <div className="form-actions">
        <button type="submit" disabled={action.pending}>
          {held ? 'Release the legal hold' : 'Set a legal hold'}
        </button>
      </div>
    </form>
  );
}

function RestoreForm({ vault, path }: { readonly vault: Vault; readonly path: string }) {
  const api = useApi();
  const action = useAction();
  const agents = useResource(() => api.get<Agent[]>('/api/v1/agents'), [api]);
  const [agent, setAgent] = useState('');
  const [target, setTarget] = useState('');
  const [job, setJob] = useState<Job | undefined>(undefined);
  const own = (agents.data ?? []).filter((a) => a.vault === vault.name);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = { target: target.trim(), ...(agent === '' ? {} : { agent }) };
    setJob(await action.run(() => api.post<Job>(`${path}/restore`, body)));
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="restore-title">
      <h3 id="restore-title">Restore</h3>
      <Field label="Agent">
        <select value={agent} onChange={(e) => setAgent(e.target.value)}>
          <option value="">The item's own agent</option>
          {own.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name} ({a.hostname})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Target directory on the agent's host" hint="An absolute path to an empty or new directory.">
        <input required pattern="/.*" className="mono" value={target} onChange={(e) => setTarget(e.target.value)} />
      </Field>
      <ErrorNotice error={action.error} />
      {job === undefined ? null : (
        <SuccessNotice>
          Restore queued as job {job.id}
          {job.agent === null ? '' : ` for agent ${job.agent}`}.
        </SuccessNotice>
      )}
      <div className="form-actions">
        <button type="submit" disabled={action.pending}>
          Restore
        </button>
      </div>
    </form>
  );
}

/** Deletion of a point, confirmed; a refusal (retention, lock, hold) shows the server's sentence. */
export function DeletePointDialog({
  vault,
  point,
  onClose,
  onDeleted,
}: PointDialogProps & { readonly onDeleted: () => void }) {
  return (
    <Dialog open={point !== undefined} title="Delete a recovery point?" onClose={onClose} className="dialog-danger">
      {point === undefined ? null : (
        <DeletePointForm vault={vault} point={point} onClose={onClose} onDeleted={onDeleted} />
      )}
    </Dialog>
  );
}

function DeletePointForm({
  vault,
  point,
  onClose,
  onDeleted,
}: PointDialogProps & { readonly point: Point; readonly onDeleted: () => void }) {
  const api = useApi();
  const action = useAction();
  const [deleted, setDeleted] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await action.run(() => api.del(`/api/v1/vaults/${seg(vault.name)}/points/${seg(point.id)}`));
    if (result === undefined) return;
    setDeleted(true);
    onDeleted();
  };
  if (deleted) {
    return (
      <div className="form">
        <SuccessNotice>Point {shortId(point.id)} deleted.</SuccessNotice>
        <div className="form-actions">
          <button type="button" className="button-primary" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <p>
        Delete point <code>{shortId(point.id)}</code> of {point.item}, retained until {formatIso(point.retainUntil)}?
        Its data is removed by the next maintenance. The vault refuses while the point is retained, locked or held.
      </p>
      <ErrorNotice error={action.error} />
      <div className="form-actions">
        <button type="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="submit" className="button-danger" disabled={action.pending}>
          Delete the point
        </button>
      </div>
    </form>
  );
}
