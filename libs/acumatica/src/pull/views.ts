import { ConnectionRow, ReloadRow, SourceRow } from './pull.repository';

export interface ConnectionView {
  id: string;
  name: string;
  instanceUrl: string;
  tenant: string;
  clientId: string;
  username: string;
  createdAt: string;
  updatedAt: string;
}

export interface SourceView {
  table: string;
  connectionId: string;
  genericInquiry: string;
  keyFields: string[] | null;
  fieldMap: Record<string, string>;
  everyMinutes: number | null;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReloadResult {
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skippedNewer: number;
}

export interface ReloadView {
  id: string;
  table: string;
  mode: 'full' | 'compare';
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { pages: number; rowsRead: number };
  result: ReloadResult | null;
  error: { code: string; message: string } | null;
}

/** Never the client secret or the password. */
export function toConnectionView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    name: row.name,
    instanceUrl: row.instance_url,
    tenant: row.tenant,
    clientId: row.client_id,
    username: row.username,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toSourceView(row: SourceRow, table: string, keyFields: string[] | null): SourceView {
  return {
    table,
    connectionId: row.connection_id,
    genericInquiry: row.generic_inquiry,
    keyFields,
    fieldMap: row.field_map,
    everyMinutes: row.every_minutes,
    nextRunAt: row.next_run_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toReloadView(row: ReloadRow, table: string): ReloadView {
  return {
    id: row.id,
    table,
    mode: row.mode,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    progress: { pages: row.pages, rowsRead: Number(row.rows_read) },
    result: (row.result as unknown as ReloadResult | null) ?? null,
    error: row.error,
  };
}
