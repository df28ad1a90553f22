import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from './api/endpoints';
import { ApiError, configureApi } from './api/http';
import type { Identity, Scope } from './api/types';

/** The only place the token is kept: this tab's sessionStorage (never localStorage or a cookie). */
export const TOKEN_KEY = 'tablecast.token';

export interface Session {
  token: string | null;
  identity: Identity | null;
  /** Set while a stored token is being checked at start. */
  checking: boolean;
  /** Why the last sign-in or the stored token was refused. */
  problem: string | null;
  signIn(token: string): Promise<void>;
  signOut(message?: string): void;
  can(scope: Scope): boolean;
}

const SessionContext = createContext<Session | null>(null);

export function readToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** org:admin implies the other three scopes. */
export function hasScope(identity: Identity | null, scope: Scope): boolean {
  if (!identity) return false;
  return identity.scopes.includes(scope) || identity.scopes.includes('org:admin');
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => readToken());
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [checking, setChecking] = useState(() => readToken() !== null);
  const [problem, setProblem] = useState<string | null>(null);

  const signOut = useCallback((message?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setIdentity(null);
    setProblem(message ?? null);
  }, []);

  useEffect(() => {
    configureApi({ token: readToken, unauthorized: () => signOut('Your token was refused (expired or revoked): sign in again.') });
  }, [signOut]);

  // A token left in this tab's storage (a reload of the page): ask who it is.
  useEffect(() => {
    const stored = readToken();
    if (!stored) return;
    api.whoami(stored).then(
      (who) => {
        setIdentity(who);
        setChecking(false);
      },
      (error: unknown) => {
        setChecking(false);
        if (error instanceof ApiError && error.status === 401) signOut(error.detail);
        else setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  }, [signOut]);

  const signIn = useCallback(async (candidate: string) => {
    const trimmed = candidate.trim();
    setProblem(null);
    const who = await api.whoami(trimmed);
    sessionStorage.setItem(TOKEN_KEY, trimmed);
    setToken(trimmed);
    setIdentity(who);
  }, []);

  const value = useMemo<Session>(
    () => ({ token, identity, checking, problem, signIn, signOut, can: (scope) => hasScope(identity, scope) }),
    [token, identity, checking, problem, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
