import autocannon from 'autocannon';
import { Client } from 'pg';
import { BenchSession, createBaselineTable, http, notificationBody, stockItem, ticks } from '../setup';
import { elapsedMs, log, percentile, round } from '../stats';

const CONNECTIONS = 16;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;

export interface ThroughputSummary {
  durationSeconds: number;
  completed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this Node process (app and load generator, or pg client) / wall time, in cores. */
  nodeCpuCores: number;
}

export interface SmallNotificationsResult {
  connections: number;
  tablecast: ThroughputSummary & { non2xx: number; errors: number; timeouts: number };
  baseline: ThroughputSummary;
  /** Tablecast requests/s / baseline transactions/s. */
  ratio: number;
}

/** The baseline's one write statement: upsert one record and append its change. */
const BASELINE_UPSERT = `
WITH written AS (
  INSERT INTO records AS r (table_id, id, data, deleted, seq, source_ts, modified_at)
  VALUES ($1, $2, $3::jsonb, false, $4, $5::bigint, now())
  ON CONFLICT (table_id, id) DO UPDATE
     SET data = EXCLUDED.data, deleted = false, seq = EXCLUDED.seq, source_ts = EXCLUDED.source_ts, modified_at = EXCLUDED.modified_at
)
INSERT INTO changes (table_id, seq, op, record_id, data, modified_at) VALUES ($1, $4, 'insert', $2, $3::jsonb, now())`;

let counter = 0;

/** A 1-row notification with its own Id, key and TimeStamp. */
function nextNotification(): string {
  const n = ++counter;
  return notificationBody([stockItem(`SMALL${n}`, n)], `bench-small-${n}`, ticks(n));
}

async function loadTablecast(session: BenchSession, table: string, seconds: number) {
  const url = new URL(`${session.solutionUrl}/acumatica/cdc?table=${table}`);
  return autocannon({
    url: url.origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: `${url.pathname}${url.search}`,
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, headers: { ...request.headers }, body: nextNotification() }),
      },
    ],
  });
}

/** CONNECTIONS raw-pg connections, each running single-row write transactions back to back until the time is up. */
async function loadBaseline(databaseUrl: string, tableId: string, seconds: number): Promise<ThroughputSummary> {
  const clients = Array.from({ length: CONNECTIONS }, () => new Client({ connectionString: databaseUrl }));
  try {
    await Promise.all(clients.map((client) => client.connect()));
    const latencies: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let failure: unknown;
    const worker = async (client: Client) => {
      while (failure === undefined && performance.now() < deadline) {
        const start = performance.now();
        const n = ++counter;
        const data = JSON.stringify(stockItem(`SMALL${n}`, n));
        await client.query('BEGIN');
        try {
          const { rows } = await client.query<{ head: string }>('SELECT head::text FROM data_tables WHERE id = $1 FOR UPDATE', [tableId]);
          const seq = String(BigInt(rows[0].head) + 1n);
          await client.query(BASELINE_UPSERT, [tableId, `SMALL${n}`, data, seq, ticks(n)]);
          await client.query('UPDATE data_tables SET head = $2, row_count = row_count + 1, updated_at = now() WHERE id = $1', [
            tableId,
            seq,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          failure ??= error;
          await client.query('ROLLBACK').catch(() => undefined);
          return;
        }
        latencies.push(elapsedMs(start));
      }
    };
    await Promise.all(clients.map(worker));
    if (failure !== undefined) throw failure;
    const durationSeconds = elapsedMs(started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      durationSeconds: round(durationSeconds, 2),
      completed: latencies.length,
      perSecond: round(latencies.length / durationSeconds),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      nodeCpuCores: round((cpu.user + cpu.system) / 1e6 / durationSeconds, 2),
    };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

export async function runSmallNotifications(session: BenchSession, databaseUrl: string): Promise<SmallNotificationsResult> {
  log(`small notifications: warming up Tablecast (${WARMUP_SECONDS} s)`);
  await loadTablecast(session, 'small-warmup', WARMUP_SECONDS);
  log(`small notifications: Tablecast, ${CONNECTIONS} connections, ${DURATION_SECONDS} s`);
  const cpuBefore = process.cpuUsage();
  const result = await loadTablecast(session, 'small', DURATION_SECONDS);
  const cpu = process.cpuUsage(cpuBefore);

  // Every answered request must have written its row.
  const table = await http('GET', `${session.solutionUrl}/tables/small`, session.token);
  if (table.status !== 200 || Number(table.body.rowCount) < result['2xx']) {
    throw new Error(`small notifications: ${result['2xx']} answered 2xx but the table holds ${table.text.slice(0, 300)}`);
  }
  if (result['2xx'] === 0) throw new Error(`small notifications: no request succeeded (${result.non2xx} non-2xx, ${result.errors} errors)`);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let warmupTable: string;
  let measuredTable: string;
  try {
    warmupTable = await createBaselineTable(client, session.solutionId, 'baseline-small-warmup');
    measuredTable = await createBaselineTable(client, session.solutionId, 'baseline-small');
  } finally {
    await client.end();
  }
  log(`small notifications: warming up the baseline (${WARMUP_SECONDS} s)`);
  await loadBaseline(databaseUrl, warmupTable, WARMUP_SECONDS);
  log(`small notifications: baseline, ${CONNECTIONS} connections, ${DURATION_SECONDS} s`);
  const baseline = await loadBaseline(databaseUrl, measuredTable, DURATION_SECONDS);

  const perSecond = round(result['2xx'] / result.duration);
  return {
    connections: CONNECTIONS,
    tablecast: {
      durationSeconds: result.duration,
      completed: result['2xx'],
      perSecond,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      nodeCpuCores: round((cpu.user + cpu.system) / 1e6 / result.duration, 2),
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    },
    baseline,
    ratio: round(perSecond / baseline.perSecond, 2),
  };
}
