/**
 * Worker: an open-loop pusher — one 1-row notification every 1/rate s (whether or not the last
 * one was answered), round robin over `tables`, to Tablecast (`/acumatica/cdc`) or to the raw
 * baseline server (`/push`, same body). Each row carries `sentAt` (epoch ms, sub-ms) so that a
 * subscriber can time push → delivery; each answer's time is the ack latency.
 */
import { Pool } from 'undici';
import { notificationBody, ticks } from '../setup';
import { percentile, round } from '../stats';

export interface PushArgs {
  /** Base URL of the server. */
  origin: string;
  /** Path prefix of the push route; `?table=<name>` is appended. */
  path: string;
  token?: string;
  tables: string[];
  rate: number;
  /** Stop after this many pushes or this many seconds, whichever comes first. */
  count?: number;
  seconds?: number;
  prefix: string;
}

export interface PushSummary {
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  ackP50Ms: number;
  ackP99Ms: number;
  firstSentAt: number;
  /** Highest head each table answered. */
  heads: Record<string, number>;
  firstError?: string;
}

const now = () => performance.timeOrigin + performance.now();
let running: { stop(): void; done: Promise<PushSummary> } | undefined;
let counter = 0;

function push(pool: Pool, args: PushArgs, table: string, latencies: number[], heads: Record<string, number>, errors: string[]): Promise<boolean> {
  const n = ++counter;
  const sentAt = now();
  const row = { InventoryID: `${args.prefix}-${process.pid}-${n}`, Descr: `Push ${n}`, Qty: n, sentAt, _tab: 'StockItem', _del: false };
  const body = notificationBody([row], `${args.prefix}-${process.pid}-${n}`, ticks(n));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (args.token) headers.authorization = `Bearer ${args.token}`;
  return pool
    .request({ method: 'POST', path: `${args.path}?table=${encodeURIComponent(table)}`, headers, body })
    .then(async (res) => {
      const text = await res.body.text();
      if (res.statusCode !== 200) {
        if (errors.length < 3) errors.push(`HTTP ${res.statusCode} ${text.slice(0, 200)}`);
        return false;
      }
      latencies.push(now() - sentAt);
      const head = (JSON.parse(text) as { tables?: Record<string, { head: number }> }).tables?.[table]?.head;
      if (head !== undefined) heads[table] = Math.max(heads[table] ?? 0, head);
      return true;
    })
    .catch((error: Error) => {
      if (errors.length < 3) errors.push(error.message);
      return false;
    });
}

/** Starts pushing in the background; `finish()` waits for the end and the last answers. */
export function start(args: PushArgs): { started: boolean } {
  if (running) throw new Error('a pusher is already running in this process');
  const pool = new Pool(args.origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const heads: Record<string, number> = {};
  const errors: string[] = [];
  const inFlight: Promise<boolean>[] = [];
  let ok = 0;
  let sent = 0;
  let stopped = false;
  const firstSentAt = now();
  const started = performance.now();
  const intervalMs = 1000 / args.rate;
  const done = (async (): Promise<PushSummary> => {
    while (!stopped && (args.count === undefined || sent < args.count) && (args.seconds === undefined || performance.now() - started < args.seconds * 1000)) {
      const due = started + sent * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const table = args.tables[sent % args.tables.length];
      sent++;
      inFlight.push(push(pool, args, table, latencies, heads, errors).then((success) => (success && ok++, success)));
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    await pool.close();
    return {
      sent,
      ok,
      failed: sent - ok,
      seconds: round(seconds, 2),
      ackP50Ms: latencies.length ? round(percentile(latencies, 50), 2) : 0,
      ackP99Ms: latencies.length ? round(percentile(latencies, 99), 2) : 0,
      firstSentAt,
      heads,
      firstError: errors[0],
    };
  })();
  running = { stop: () => (stopped = true), done };
  return { started: true };
}

export async function finish(args: { stop?: boolean } = {}): Promise<PushSummary> {
  if (!running) throw new Error('no pusher running');
  if (args.stop) running.stop();
  const current = running;
  try {
    return await current.done;
  } finally {
    running = undefined;
  }
}

/** start + finish. */
export async function run(args: PushArgs): Promise<PushSummary> {
  start(args);
  return finish();
}
