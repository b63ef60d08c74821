import { nowMs } from '../lib/clock.js';
import type { Role } from '../api/types.js';

/** A signed-in user: the token the server issued, when it expires, who it is and what it may do. */
export interface Session {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: number;
  readonly user: string;
  readonly role: Role;
  readonly permissions: readonly string[];
}

const KEY = 'amber.console.session';

/**
 * Where the token lives besides memory: sessionStorage, which is per origin and per tab and ends with
 * the tab — never localStorage (shared by every tab, kept for ever) and never a URL or a cookie.
 */
function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['token'] === 'string' &&
    typeof v['tokenId'] === 'string' &&
    typeof v['expiresAt'] === 'number' &&
    typeof v['user'] === 'string' &&
    typeof v['role'] === 'string' &&
    Array.isArray(v['permissions'])
  );
}

/** The session of this tab, unless there is none or it has expired (an expired one is removed). */
export function loadSession(): Session | undefined {
  const store = storage();
  const text = store?.getItem(KEY);
  if (text === null || text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isSession(parsed) && parsed.expiresAt > nowMs()) return parsed;
  } catch {
    // A damaged entry is dropped below.
  }
  store?.removeItem(KEY);
  return undefined;
}

export function saveSession(session: Session): void {
  storage()?.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  storage()?.removeItem(KEY);
}

/** Whether the session's role holds a permission (the server checks again; this only hides controls). */
export function can(session: Session | undefined, permission: string): boolean {
  return session?.permissions.includes(permission) ?? false;
}
