import type { ReactNode } from 'react';
import { Shell } from './components/shell.js';
import { PageHeader } from './components/field.js';
import { Link, Router, useRouter } from './lib/router.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { AuditPage } from './pages/audit-page.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { UsersPage } from './pages/users-page.js';
import { VaultPage, type VaultTab } from './pages/vault-page.js';
import { VaultsPage } from './pages/vaults-page.js';
import { SessionProvider, useSession } from './session/session-context.js';

const VAULT_TABS: readonly VaultTab[] = ['policies', 'items', 'points'];

/** The page of a path. Unknown paths get a page that says so (the server answers index.html for them). */
export function pageOf(path: string): ReactNode {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [first, second, third, ...rest] = parts;
  if (first === undefined) return <DashboardPage />;
  if (first === 'vaults' && second === undefined) return <VaultsPage />;
  if (first === 'vaults' && second !== undefined && rest.length === 0) {
    if (third === undefined) return <VaultPage key={second} name={second} tab="overview" />;
    const tab = VAULT_TABS.find((t) => t === third);
    if (tab !== undefined) return <VaultPage key={second} name={second} tab={tab} />;
  }
  if (parts.length === 1 && first === 'approvals') return <ApprovalsPage />;
  if (parts.length === 1 && first === 'audit') return <AuditPage />;
  if (parts.length === 1 && first === 'users') return <UsersPage />;
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the dashboard</Link>.
      </p>
    </>
  );
}

function Pages() {
  const { session } = useSession();
  const { path } = useRouter();
  if (session === undefined) return <SignInPage />;
  return <Shell>{pageOf(path)}</Shell>;
}

export function App() {
  return (
    <SessionProvider>
      <Router>
        <Pages />
      </Router>
    </SessionProvider>
  );
}
