import { request } from './http';
import type {
  AccessToken,
  Attempt,
  ChangesPage,
  Connection,
  ConnectionTest,
  CreatedAccessToken,
  CreatedWebhook,
  Delivery,
  Identity,
  Organization,
  Page,
  Region,
  Reload,
  Scope,
  Solution,
  Source,
  Table,
  TableRecord,
  Webhook,
} from './types';

const e = encodeURIComponent;
const org = (o: string) => `/tool/organizations/${e(o)}`;
const sol = (o: string, s: string) => `${org(o)}/solutions/${e(s)}`;
const table = (o: string, s: string, t: string) => `${sol(o, s)}/tables/${e(t)}`;
const hook = (o: string, s: string, h: string) => `${sol(o, s)}/webhooks/${e(h)}`;
const conns = (o: string, s: string) => `${sol(o, s)}/acumatica/connections`;

type Cursor = string | null | undefined;

/** Every call the console makes: one typed function per route of the public API. */
export const api = {
  whoami: (token?: string) => request<Identity>('/tool/whoami', { token }),
  regions: () => request<{ serving: string; items: Region[] }>('/regions'),

  organizations: (cursor?: Cursor) => request<Page<Organization>>('/tool/organizations', { query: { cursor } }),
  organization: (o: string) => request<Organization>(org(o)),
  createOrganization: (body: { name: string; region?: string }) => request<Organization>('/tool/organizations', { method: 'POST', body }),

  solutions: (o: string, cursor?: Cursor) => request<Page<Solution>>(`${org(o)}/solutions`, { query: { cursor } }),
  solution: (o: string, s: string) => request<Solution>(sol(o, s)),
  createSolution: (o: string, name: string) => request<Solution>(`${org(o)}/solutions`, { method: 'POST', body: { name } }),

  tokens: (o: string, cursor?: Cursor) => request<Page<AccessToken>>(`${org(o)}/tokens`, { query: { cursor } }),
  createToken: (o: string, body: { name: string; scopes: Scope[]; expiresAt?: string }) =>
    request<CreatedAccessToken>(`${org(o)}/tokens`, { method: 'POST', body }),
  revokeToken: (o: string, id: string) => request<void>(`${org(o)}/tokens/${e(id)}`, { method: 'DELETE' }),

  tables: (o: string, s: string, cursor?: Cursor) => request<Page<Table>>(`${sol(o, s)}/tables`, { query: { cursor } }),
  table: (o: string, s: string, t: string) => request<Table>(table(o, s, t)),
  createTable: (o: string, s: string, name: string) => request<Table>(`${sol(o, s)}/tables`, { method: 'POST', body: { name } }),
  records: (o: string, s: string, t: string, query: { filter?: string; cursor?: Cursor; limit?: number }) =>
    request<Page<TableRecord>>(`${table(o, s, t)}/records`, { query }),
  changes: (o: string, s: string, t: string, since: number, limit = 1000) =>
    request<ChangesPage>(`${table(o, s, t)}/changes`, { query: { since, limit } }),

  deliveries: (o: string, s: string, cursor?: Cursor, limit = 100) =>
    request<Page<Delivery>>(`${sol(o, s)}/acumatica/deliveries`, { query: { cursor, limit } }),

  connections: (o: string, s: string) => request<Page<Connection>>(conns(o, s), { query: { limit: 1000 } }),
  createConnection: (o: string, s: string, body: Record<string, string>) => request<Connection>(conns(o, s), { method: 'POST', body }),
  testConnection: (o: string, s: string, id: string) => request<ConnectionTest>(`${conns(o, s)}/${e(id)}/test`, { method: 'POST' }),

  source: (o: string, s: string, t: string) => request<Source>(`${table(o, s, t)}/source`),
  saveSource: (
    o: string,
    s: string,
    t: string,
    body: { connectionId: string; genericInquiry: string; keyFields?: string[]; everyMinutes?: number },
  ) => request<Source>(`${table(o, s, t)}/source`, { method: 'PUT', body }),
  reloads: (o: string, s: string, t: string) => request<Page<Reload>>(`${table(o, s, t)}/reloads`, { query: { limit: 20 } }),
  startReload: (o: string, s: string, t: string, mode: 'full' | 'compare') =>
    request<Reload>(`${table(o, s, t)}/reloads`, { method: 'POST', body: { mode } }),

  webhooks: (o: string, s: string, cursor?: Cursor) => request<Page<Webhook>>(`${sol(o, s)}/webhooks`, { query: { cursor } }),
  webhook: (o: string, s: string, h: string) => request<Webhook>(hook(o, s, h)),
  createWebhook: (o: string, s: string, body: { url: string; tables?: string[]; description?: string }) =>
    request<CreatedWebhook>(`${sol(o, s)}/webhooks`, { method: 'POST', body }),
  enableWebhook: (o: string, s: string, h: string) => request<Webhook>(hook(o, s, h), { method: 'PATCH', body: { enabled: true } }),
  rotateSecret: (o: string, s: string, h: string) => request<{ secret: string }>(`${hook(o, s, h)}/rotate-secret`, { method: 'POST' }),
  replay: (o: string, s: string, h: string, body: { table: string; since: number }) =>
    request<unknown>(`${hook(o, s, h)}/replay`, { method: 'POST', body }),
  attempts: (o: string, s: string, h: string, cursor?: Cursor) =>
    request<Page<Attempt>>(`${hook(o, s, h)}/attempts`, { query: { cursor } }),
};
