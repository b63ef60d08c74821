import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import { ROLES, type Role, type User } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field, Loading, PageHeader } from '../components/field.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';

/** Users and their roles (admins only): create, change a role, disable. */
export function UsersPage() {
  const api = useApi();
  const { session } = useSession();
  const users = useResource(() => api.get<User[]>('/api/v1/users'), [api]);
  const action = useAction();
  const [creating, setCreating] = useState(false);

  const change = async (user: User, body: { role?: Role; disabled?: true }): Promise<void> => {
    if ((await action.run(() => api.patch(`/api/v1/users/${seg(user.name)}`, body))) !== undefined) users.reload();
  };

  return (
    <>
      <PageHeader title="Users">
        <button type="button" className="button-primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </PageHeader>
      <ErrorNotice error={users.error ?? action.error} />
      {users.data === undefined ? (
        users.error === undefined ? (
          <Loading what="users" />
        ) : null
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Users table">
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.name}>
                  <th scope="row">{user.name}</th>
                  <td>
                    <select
                      aria-label={`Role of ${user.name}`}
                      value={user.role}
                      disabled={user.disabled || user.name === session?.user || action.pending}
                      onChange={(e) => void change(user, { role: e.target.value as Role })}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{user.createdAt.slice(0, 10)}</td>
                  <td>{user.disabled ? 'disabled' : user.hasPassword ? 'active' : 'no password (token only)'}</td>
                  <td>
                    {user.disabled || user.name === session?.user ? null : (
                      <button
                        type="button"
                        className="button-danger-quiet"
                        onClick={() => void change(user, { disabled: true })}
                      >
                        Disable<span className="sr-only"> {user.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={creating} title="Create a user" onClose={() => setCreating(false)}>
        <CreateUserForm
          onCreated={() => {
            setCreating(false);
            users.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
    </>
  );
}

function CreateUserForm({ onCreated, onCancel }: { readonly onCreated: () => void; readonly onCancel: () => void }) {
  const api = useApi();
  const action = useAction();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = { name: name.trim(), role, ...(password === '' ? {} : { password }) };
    if ((await action.run(() => api.post('/api/v1/users', body))) !== undefined) onCreated();
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <ErrorNotice error={action.error} />
      <Field label="Name">
        <input
          required
          pattern="[a-z][a-z0-9._\-]{0,63}"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field label="Role">
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Password" hint="At least 12 characters; leave empty for a user who signs in with API tokens only.">
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={action.pending}>
          Create user
        </button>
      </div>
    </form>
  );
}
