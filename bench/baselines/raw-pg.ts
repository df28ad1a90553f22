/**
 * Worker: the raw-pg writer baseline under load. `connections` pg connections each write
 * notifications of `rows` rows back to back (closed loop), to a table of their own or one shared
 * table, for `seconds`.
 */
import { Client } from 'pg';
import { stockItem, ticks } from '../setup';
import { percentile, round } from '../stats';
import { createRawTable, rawWrite } from './raw-writer';

export interface RawLoadArgs {
  databaseUrl: string;
  solutionId: string;
  connections: number;
  seconds: number;
  rows: number;
  /** 'own': a table per connection; 'one': every connection writes to one table. */
  tables: 'own' | 'one';
  prefix: string;
}

export interface LoadSummary {
  seconds: number;
  notifications: number;
  perSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

let counter = 0;

export async function load(args: RawLoadArgs): Promise<LoadSummary> {
  const clients = Array.from({ length: args.connections }, () => new Client({ connectionString: args.databaseUrl }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const tableIds: string[] = [];
    const tableCount = args.tables === 'own' ? args.connections : 1;
    for (let i = 0; i < tableCount; i++) tableIds.push(await createRawTable(clients[0], args.solutionId, `${args.prefix}-${i + 1}-${process.pid}`));
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const deadline = started + args.seconds * 1000;
    await Promise.all(
      clients.map(async (client, c) => {
        const tableId = tableIds[args.tables === 'own' ? c : 0];
        while (performance.now() < deadline) {
          const n = ++counter;
          const t0 = performance.now();
          const rows = Array.from({ length: args.rows }, (_, i) => {
            const id = `${args.prefix}-${process.pid}-${n}-${i}`;
            return { id, data: stockItem(id, i) };
          });
          try {
            await rawWrite(client, args.solutionId, tableId, `${args.prefix}-${process.pid}-${n}`, ticks(n), rows);
            latencies.push(performance.now() - t0);
          } catch {
            failed++;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return summarize(latencies, seconds, args.rows, failed);
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

export function summarize(latencies: number[], seconds: number, rows: number, failed: number): LoadSummary {
  const some = latencies.length > 0;
  return {
    seconds: round(seconds, 2),
    notifications: latencies.length,
    perSecond: round(latencies.length / seconds),
    rowsPerSecond: Math.round((latencies.length * rows) / seconds),
    p50Ms: some ? round(percentile(latencies, 50), 2) : 0,
    p99Ms: some ? round(percentile(latencies, 99), 2) : 0,
    failed,
  };
}

/** One timed write of `rows` rows into a fresh (or the given) table; for the 10,000-row scenario. */
export async function writeOnce(args: { databaseUrl: string; solutionId: string; tableId?: string; rows: number; version: number; name?: string }): Promise<{ ms: number; tableId: string }> {
  const client = new Client({ connectionString: args.databaseUrl });
  await client.connect();
  try {
    const tableId = args.tableId ?? (await createRawTable(client, args.solutionId, args.name ?? `raw-once-${process.pid}-${++counter}`));
    const rows = Array.from({ length: args.rows }, (_, i) => {
      const id = `ITEM${String(i).padStart(5, '0')}`;
      return { id, data: stockItem(id, i, args.version) };
    });
    const n = ++counter;
    const t0 = performance.now();
    await rawWrite(client, args.solutionId, tableId, `raw-once-${process.pid}-${n}-${Date.now()}`, ticks(n), rows);
    return { ms: performance.now() - t0, tableId };
  } finally {
    await client.end();
  }
}
