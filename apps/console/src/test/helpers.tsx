import { render } from '@testing-library/react';
import { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { Identity } from '../api/types';
import { LiveProvider, OpenTable } from '../live';
import { SessionProvider, TOKEN_KEY } from '../session';

export type Route = (url: URL, init: RequestInit) => { status?: number; body?: unknown } | undefined;

/** Stubs `fetch` at the module boundary: each call is recorded and answered by `route` (404 problem when it returns nothing). */
export function stubFetch(route: Route) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const fetchMock = vi.fn(async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    calls.push({ url, init });
    const answer = route(url, init) ?? {
      status: 404,
      body: { type: 'about:blank', title: 'Not Found', status: 404, detail: `no stub for ${url.pathname}` },
    };
    const status = answer.status ?? 200;
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status, headers: { 'Content-Type': type } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export const OPERATOR: Identity = {
  kind: 'operator',
  organizationId: null,
  scopes: ['cdc:push', 'data:read', 'data:write', 'org:admin'],
  name: null,
  expiresAt: null,
};

export function problem(status: number, detail: string, errors?: { field: string; message: string }[]) {
  return { status, body: { type: 'about:blank', title: 'Problem', status, detail, errors } };
}

/** Renders `ui` signed in with `token` (whoami answered by the fetch stub), at `path`. */
export function renderSignedIn(ui: ReactNode, { path = '/', open }: { path?: string; open?: OpenTable } = {}) {
  sessionStorage.setItem(TOKEN_KEY, 'tc_test_token');
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <LiveProvider open={open ?? (() => fakeLiveTable().table)}>{ui}</LiveProvider>
      </SessionProvider>
    </MemoryRouter>,
  );
}

/** A live table driven by the test: `emit` sends changes, `status` sets the feed status. */
export function fakeLiveTable() {
  const listeners = { change: new Set<(c: never) => void>(), status: new Set<(s: never) => void>() };
  let status = 'loading';
  const table = {
    get status() {
      return status;
    },
    ready: Promise.resolve(),
    on(event: 'change' | 'status', listener: (value: never) => void) {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    },
    close: vi.fn(async () => undefined),
  } as unknown as ReturnType<OpenTable>;
  return {
    table,
    emit: (changes: unknown[]) => listeners.change.forEach((l) => l(changes as never)),
    setStatus: (next: string) => {
      status = next;
      listeners.status.forEach((l) => l(next as never));
    },
  };
}
