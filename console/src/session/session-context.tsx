import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from '../api/api-client.js';
import type { LoginAnswer, Me } from '../api/types.js';
import { nowMs } from '../lib/clock.js';
import { clearSession, loadSession, saveSession, type Session } from './session-store.js';

export interface SessionValue {
  readonly session: Session | undefined;
  /** The API client with this session's token (a client without a token when signed out). */
  readonly api: ApiClient;
  /** Why the last session ended, shown on the sign-in page. */
  readonly notice: string | undefined;
  readonly signIn: (user: string, password: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

const MAX_TIMER_MS = 2_147_483_647;

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const end = useCallback((message: string | undefined) => {
    clearSession();
    setSession(undefined);
    setNotice(message);
  }, []);

  const api = useMemo(
    () =>
      createApiClient(session?.token, (message) => end(`Your session ended: ${message} Sign in again to continue.`)),
    [session?.token, end],
  );

  // The token expires on the server; the console forgets it at the same moment.
  useEffect(() => {
    if (session === undefined) return undefined;
    const timer = window.setTimeout(
      () => end('Your session expired. Sign in again to continue.'),
      Math.min(Math.max(session.expiresAt - nowMs(), 0), MAX_TIMER_MS),
    );
    return () => window.clearTimeout(timer);
  }, [session, end]);

  const signIn = useCallback(async (user: string, password: string) => {
    const anonymous = createApiClient(undefined, () => undefined);
    const answer = await anonymous.post<LoginAnswer>('/api/v1/auth/login', { user, password });
    const me = await createApiClient(answer.token, () => undefined).get<Me>('/api/v1/auth/me');
    const next: Session = {
      token: answer.token,
      tokenId: answer.tokenId,
      expiresAt: Date.parse(answer.expiresAt),
      user: me.name,
      role: me.role,
      permissions: me.permissions,
    };
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } finally {
      end('You signed out; the token was revoked.');
    }
  }, [api, end]);

  const value = useMemo<SessionValue>(
    () => ({ session, api, notice, signIn, signOut }),
    [session, api, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The API client of the signed-in user. */
export function useApi(): ApiClient {
  return useSession().api;
}
