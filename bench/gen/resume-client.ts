/**
 * Worker for the resume scenario: writes the missed changes (as 1,000-row notifications), and
 * times three ways of catching up with them — a raw socket.io-client subscribing with `since`,
 * the SDK restoring its store and resuming, and a raw pg read of the same log range.
 */
import { MemoryStore, TablecastClient } from '@tablecast/client';
import { Client } from 'pg';
import { io } from 'socket.io-client';
import { http, notificationBody, stockItem, ticks } from '../setup';

const ROWS_PER_NOTIFICATION = 1000;
const TIMEOUT_MS = 120_000;

interface Address {
  organizationId: string;
  solutionId: string;
  table: string;
}

const store = new MemoryStore();

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** Writes `changes` row updates to the table; resolves with its head. */
export async function write(args: { solutionUrl: string; token: string; table: string; changes: number; version: number }): Promise<number> {
  let head = 0;
  for (let sent = 0, n = 0; sent < args.changes; sent += ROWS_PER_NOTIFICATION, n++) {
    const rows = Array.from({ length: Math.min(ROWS_PER_NOTIFICATION, args.changes - sent) }, (_, i) =>
      stockItem(`ITEM${String(sent + i).padStart(5, '0')}`, sent + i, args.version),
    );
    const body = notificationBody(rows, `resume-${args.version}-${n}`, ticks(args.version * 1000 + n));
    const answer = await http('POST', `${args.solutionUrl}/acumatica/cdc?table=${args.table}`, args.token, body);
    if (answer.status !== 200) throw new Error(`notification: HTTP ${answer.status} ${answer.text}`);
    head = answer.body.tables[args.table].head;
  }
  return head;
}

/** A new socket.io-client connection subscribes with `since` and keeps each change in a Map until `head`. */
export async function rawCatchUp(args: { url: string; token: string; address: Address; since: number; head: number }): Promise<number> {
  const started = performance.now();
  const socket = io(`${args.url}/dynamic-data`, { auth: { token: args.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    await withTimeout(
      new Promise<void>((done, fail) => {
        const records = new Map<string, unknown>();
        let last = args.since;
        socket.on('connect_error', (error: Error) => fail(error));
        socket.on('onTableChange', (event: { changes: { seq: number; op: string; id: string; data: unknown }[] }) => {
          for (const change of event.changes) {
            if (change.seq !== last + 1) continue;
            if (change.op === 'delete') records.delete(change.id);
            else records.set(change.id, change.data);
            last = change.seq;
          }
          if (last >= args.head) done();
        });
        socket.on('connect', () => {
          socket.emit('subscribe', { ...args.address, since: args.since }, (ack: { ok: boolean }) => {
            if (!ack.ok) fail(new Error(`subscribe: ${JSON.stringify(ack)}`));
          });
        });
      }),
      'the raw client catching up',
    );
    return performance.now() - started;
  } finally {
    socket.disconnect();
  }
}

/** A new TablecastClient on this process's MemoryStore: restore, subscribe from the stored seq, catch up to `head`. */
export async function sdkCatchUp(args: { api: string; token: string; address: Address; head: number }): Promise<number> {
  const started = performance.now();
  const client = new TablecastClient({ baseUrl: args.api, token: args.token, store });
  try {
    const table = client.table(args.address);
    await withTimeout(
      new Promise<void>((done, fail) => {
        const check = () => table.lastSeq >= args.head && done();
        table.on('change', check);
        table.ready.then(check, fail);
      }),
      'the SDK catching up',
    );
    return performance.now() - started;
  } finally {
    await client.close();
  }
}

/** The floor: read the same log range straight from PostgreSQL (one query, rows decoded by pg). */
export async function pgRead(args: { databaseUrl: string; solutionId: string; table: string; since: number; head: number }): Promise<number> {
  const client = new Client({ connectionString: args.databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const { rows } = await client.query(
      `SELECT c.seq::text, c.op, c.record_id, c.data, c.modified_at FROM changes c
         JOIN data_tables t ON t.id = c.table_id
        WHERE t.solution_id = $1 AND t.name = $2 AND c.seq > $3 AND c.seq <= $4
        ORDER BY c.seq`,
      [args.solutionId, args.table, args.since, args.head],
    );
    const ms = performance.now() - started;
    if (rows.length !== args.head - args.since) throw new Error(`pg read ${rows.length} changes, expected ${args.head - args.since}`);
    return ms;
  } finally {
    await client.end();
  }
}
