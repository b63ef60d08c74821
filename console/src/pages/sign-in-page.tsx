import { useState, type FormEvent } from 'react';
import { Field } from '../components/field.js';
import { ErrorNotice } from '../components/error-notice.js';
import { useAction } from '../lib/use-resource.js';
import { useSession } from '../session/session-context.js';

/** Sign-in with a user name and password (POST /api/v1/auth/login). */
export function SignInPage() {
  const { signIn, notice } = useSession();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(() => signIn(user.trim(), password));
  };

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="page-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Amber
        </div>
        <h1 id="page-title" tabIndex={-1}>
          Sign in
        </h1>
        {notice === undefined ? null : (
          <p className="notice notice-info" role="status" data-testid="session-notice">
            {notice}
          </p>
        )}
        <ErrorNotice error={action.error} />
        <Field label="User">
          <input
            name="user"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="button-primary" disabled={action.pending}>
          {action.pending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Your session lasts until the token expires or you sign out, and only in this browser tab.
        </p>
      </form>
    </main>
  );
}
