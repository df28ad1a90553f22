/**
 * Worker: Acumatica push notifications against the real server with autocannon (closed loop:
 * `connections` senders, each sends its next notification when the last was answered), each
 * sender to a table of its own or all to one table. Every notification has its own Id, keys and
 * TimeStamp, so every row is an insert.
 */
import autocannon from 'autocannon';
import { http, notificationBody, stockItem, ticks } from '../setup';
import { round } from '../stats';
import { LoadSummary } from '../baselines/raw-pg';

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

export async function load(args: HttpLoadArgs): Promise<LoadSummary & { non2xx: number; errors: number }> {
  const url = new URL(args.solutionUrl);
  let nextSender = 0;
  const result = await autocannon({
    url: url.origin,
    connections: args.connections,
    duration: args.seconds,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${args.token}`, 'content-type': 'application/json' },
        setupRequest: (request, context) => {
          context.sender ??= ++nextSender;
          const table = args.tables === 'own' ? `${args.prefix}-${context.sender as number}` : args.prefix;
          return { ...request, path: `${url.pathname}/acumatica/cdc?table=${table}`, body: body(args.prefix, args.rows) };
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    seconds: result.duration,
    notifications: ok,
    perSecond: round(ok / result.duration),
    rowsPerSecond: Math.round((ok * args.rows) / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
