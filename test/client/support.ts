import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Env } from '@tablecast/config';
import { RetentionService } from '@tablecast/dynamic-data';
import { TablecastIoAdapter } from '@tablecast/realtime';
import { createTestDatabase, HttpClient, TestDatabase, waitFor } from '@tablecast/testing';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { TablecastExpressAdapter } from '../../apps/api/src/http-adapter';
import type { TableHandle, TableRecord } from '@tablecast/client';
import { TEST_ADMIN_TOKEN } from '../support/test-app';
import { Session } from '../support/session';

/** The real app in-process, like test/support/test-app.ts, on a given port (to restart it there) and with its socket adapter. */
export interface ClientTestApp {
  app: NestExpressApplication;
  sockets: TablecastIoAdapter;
  port: number;
  url: string;
  api: string;
  database: TestDatabase;
  /** Socket.IO connection attempts (websocket upgrades) this app has seen. */
  upgrades(): number;
  close(): Promise<void>;
}

export async function bootApp(options: { database?: TestDatabase; port?: number; env?: Env } = {}): Promise<ClientTestApp> {
  const database = options.database ?? (await createTestDatabase());
  const env: Env = { LOG_LEVEL: 'warn', ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATABASE_POOL_SIZE: '8', RETENTION_SWEEP_SECONDS: '0', ...options.env };
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ databaseUrl: database.url, env, logDestination: discard }), new TablecastExpressAdapter(), {
    bodyParser: false,
    logger: false,
    abortOnError: false,
  });
  const sockets = await configureApp(app);
  let upgrades = 0;
  app.getHttpServer().on('upgrade', () => upgrades++);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return { app, sockets, port, url, api: `${url}/v2.0`, database, upgrades: () => upgrades, close: () => app.close() };
}

/** Purges the whole change log (and tombstones), as retention does after RETENTION_DAYS: old cursors get `reset`. */
export async function purgeEverything(t: ClientTestApp): Promise<void> {
  await t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 60_000));
}

export function tablePath(s: Session, table: string): string {
  return `${s.solutionPath}/tables/${table}`;
}

/** PUTs records one by one (each one change), in order. */
export async function putRecords(http: HttpClient, s: Session, table: string, entries: [id: string, data: Record<string, unknown>][]): Promise<void> {
  for (const [id, data] of entries) {
    const res = await http.put(`${tablePath(s, table)}/records/${encodeURIComponent(id)}`, { data });
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${id}: ${res.status} ${res.text}`);
  }
}

/** Every live record of the table on the server, in id order. */
export async function serverRecords(http: HttpClient, s: Session, table: string): Promise<TableRecord[]> {
  const records: TableRecord[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: TableRecord[]; nextCursor: string | null } } = await http.get(
      `${tablePath(s, table)}/records?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (res.status !== 200) throw new Error(`records: ${res.status}`);
    records.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return records;
}

export async function serverHead(http: HttpClient, s: Session, table: string): Promise<number> {
  const res = await http.get(`${tablePath(s, table)}`);
  if (res.status !== 200) throw new Error(`table: ${res.status} ${res.text}`);
  return res.body.head;
}

/** Records every change and status a table handle reports. */
export class Recorder {
  readonly seqs: number[] = [];
  readonly statuses: string[] = [];

  constructor(readonly table: TableHandle) {
    table.on('change', (changes) => this.seqs.push(...changes.map((c) => c.seq)));
    table.on('status', (status) => this.statuses.push(status));
  }

  async until(seq: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.table.lastSeq >= seq, { timeoutMs, what: `seq ${seq} (at ${this.table.lastSeq}, status ${this.table.status})` });
  }

  async status(status: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.table.status === status, { timeoutMs, what: `status ${status} (is ${this.table.status}; seen ${this.statuses.join(',')})` });
  }
}

/** A fetch that counts the requests per kind (records pages, changes, table heads). */
export function countingFetch() {
  const counts = { records: 0, changes: 0, head: 0, total: 0 };
  const impl: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    counts.total++;
    if (/\/records(\?|$)/.test(url)) counts.records++;
    else if (/\/changes(\?|$)/.test(url)) counts.changes++;
    else if (/\/tables\/[^/?]+$/.test(url)) counts.head++;
    return fetch(input, init);
  };
  return { counts, fetch: impl };
}

export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export const strip = (records: readonly TableRecord[]) => records.map(({ id, data, seq }) => ({ id, data, seq }));
