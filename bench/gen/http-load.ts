/**
 * Worker: Acumatica push notifications against the real server, closed loop: `connections`
 * senders (keep-alive connections of an undici pool), each sending its next notification when
 * the last was answered, each to a table of its own or all to one table. Every notification has
 * its own Id, keys and TimeStamp, so every row is an insert. (autocannon's per-connection context
 * is reset after every request, so it cannot keep a sender on its table.)
 */
import { Pool } from 'undici';
import { LoadSummary, summarize } from '../baselines/raw-pg';
import { http, notificationBody, stockItem, ticks } from '../setup';

export interface HttpLoadArgs {
  solutionUrl: string;
  token: string;
  connections: number;
  seconds: number;
  rows: number;
  tables: 'own' | 'one';
  prefix: string;
}

let counter = 0;

function body(prefix: string, rows: number): string {
  const n = ++counter;
  const items = Array.from({ length: rows }, (_, i) => stockItem(`${prefix}-${process.pid}-${n}-${i}`, i));
  return notificationBody(items, `${prefix}-${process.pid}-${n}`, ticks(n));
}

export async function load(args: HttpLoadArgs): Promise<LoadSummary & { firstError?: string }> {
  const url = new URL(args.solutionUrl);
  const pool = new Pool(url.origin, { connections: args.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + args.seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: args.connections }, async (_, sender) => {
        const table = args.tables === 'own' ? `${args.prefix}-${sender + 1}` : args.prefix;
        const path = `${url.pathname}/acumatica/cdc?table=${encodeURIComponent(table)}`;
        while (performance.now() < deadline) {
          const payload = body(args.prefix, args.rows);
          const t0 = performance.now();
          try {
            const res = await pool.request({ method: 'POST', path, headers: { authorization: `Bearer ${args.token}`, 'content-type': 'application/json' }, body: payload });
            const text = await res.body.text();
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else {
              failed++;
              firstError ??= `HTTP ${res.statusCode} ${text.slice(0, 200)}`;
            }
          } catch (error) {
            failed++;
            firstError ??= (error as Error).message;
          }
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { ...summarize(latencies, (performance.now() - started) / 1000, args.rows, failed), firstError };
}

/** One timed notification of `rows` stock items (version `version`) to `table`; checks every row was `expected`. */
export async function postOnce(args: { solutionUrl: string; token: string; table: string; rows: number; version: number; expected: 'inserted' | 'updated'; id: string; stamp: number }): Promise<number> {
  const items = Array.from({ length: args.rows }, (_, i) => stockItem(`ITEM${String(i).padStart(5, '0')}`, i, args.version));
  const payload = notificationBody(items, args.id, ticks(args.stamp));
  const start = performance.now();
  const answer = await http('POST', `${args.solutionUrl}/acumatica/cdc?table=${args.table}`, args.token, payload);
  const ms = performance.now() - start;
  if (answer.status !== 200 || answer.body?.[args.expected] !== args.rows) {
    throw new Error(`${args.rows}-row notification to ${args.table}: expected 200 with ${args.expected}=${args.rows}, got HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return ms;
}
