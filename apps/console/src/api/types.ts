// Shapes of the public API's answers (CONTRACT.md sections 4-8).

export type Scope = 'cdc:push' | 'data:read' | 'data:write' | 'org:admin';
export const SCOPES: Scope[] = ['cdc:push', 'data:read', 'data:write', 'org:admin'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Identity {
  kind: 'operator' | 'pat';
  organizationId: string | null;
  scopes: Scope[];
  name: string | null;
  expiresAt: string | null;
}

export interface Region {
  region: string;
  name: string;
  baseUrl: string | null;
  serving: boolean;
}

export interface Organization {
  id: string;
  name: string;
  region: string;
  createdAt: string;
}

export interface Solution {
  id: string;
  organizationId: string;
  name: string;
  cdcUrl: string;
  createdAt: string;
}

export interface AccessToken {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export type CreatedAccessToken = AccessToken & { token: string };

export interface Table {
  name: string;
  keyFields: string[] | null;
  rowCount: number;
  head: number;
  createdAt: string;
  updatedAt: string;
}

// Records and changes have one shape for the SDK and the console: the SDK's.
import type { Change, TableRecord } from '@tablecast/client';
export type { Change, TableRecord };

export type ChangesPage = { items: Change[]; head: number; reset?: undefined } | { reset: true; head: number; items?: undefined };

export interface Delivery {
  id: string;
  receivedAt: string;
  status: number;
  duplicate: boolean;
  companyId: string | null;
  query: string | null;
  notificationId: string | null;
  timeStamp: string | null;
  table: string | null;
  rows: number;
  durationMs: number;
  receipt: DeliveryReceipt | null;
  error: { detail?: string; title?: string; status?: number } | null;
}

export interface DeliveryReceipt {
  duplicate?: boolean;
  inserted?: number;
  updated?: number;
  deleted?: number;
  unchanged?: number;
  stale?: number;
  tables?: Record<string, { head: number }>;
}

export interface Connection {
  id: string;
  name: string;
  instanceUrl: string;
  tenant: string;
  clientId: string;
  username: string;
  createdAt: string;
}

export interface ConnectionTest {
  ok: boolean;
  error?: { code: string; message: string };
}

export interface Source {
  table: string;
  connectionId: string;
  genericInquiry: string;
  keyFields: string[] | null;
  fieldMap: Record<string, string>;
  everyMinutes: number | null;
  nextRunAt: string | null;
}

export interface Reload {
  id: string;
  mode: 'full' | 'compare';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { pages: number; rowsRead: number };
  result: { inserted: number; updated: number; deleted: number; unchanged: number; skippedNewer: number } | null;
  error: { code: string; message: string } | null;
}

export interface Webhook {
  id: string;
  url: string;
  tables: string[] | null;
  description: string;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  cursors: { table: string; deliveredSeq: number; head: number; failingSince: string | null; nextAttemptAt: string | null }[];
}

export type CreatedWebhook = Webhook & { secret: string };

export interface Attempt {
  id: string;
  table: string;
  fromSeq: number;
  toSeq: number;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}
