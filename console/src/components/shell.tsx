import { useEffect, useState, type ReactNode } from 'react';
import { Link, useRouter } from '../lib/router.js';
import { can } from '../session/session-store.js';
import { useSession } from '../session/session-context.js';

interface NavEntry {
  readonly to: string;
  readonly label: string;
  readonly permission?: string;
}

const NAV: readonly NavEntry[] = [
  { to: '/', label: 'Dashboard', permission: 'job.read' },
  { to: '/vaults', label: 'Vaults', permission: 'vault.read' },
  { to: '/approvals', label: 'Approvals', permission: 'approval.read' },
  { to: '/audit', label: 'Audit trail', permission: 'audit.read' },
  { to: '/users', label: 'Users', permission: 'user.manage' },
];

function isCurrent(path: string, to: string): boolean {
  return to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
}

/** The frame of every signed-in page: skip link, header with the user and sign-out, navigation. */
export function Shell({ children }: { readonly children: ReactNode }) {
  const { session, signOut } = useSession();
  const { path } = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);

  // After a navigation the menu closes and focus goes to the new page's title.
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [path]);

  if (session === undefined) return null;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Amber
        </Link>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <div className="whoami">
          <span data-testid="whoami">
            {session.user} <span className="muted">({session.role})</span>
          </span>
          <button type="button" className="button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="main-nav" className={menuOpen ? 'nav nav-open' : 'nav'} aria-label="Main">
        <ul>
          {NAV.filter((entry) => entry.permission === undefined || can(session, entry.permission)).map((entry) => (
            <li key={entry.to}>
              <Link to={entry.to} current={isCurrent(path, entry.to)}>
                {entry.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main">
        {children}
      </main>
    </div>
  );
}
