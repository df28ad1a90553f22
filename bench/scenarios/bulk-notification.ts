import { Client } from 'pg';
import { BenchSession, createBaselineTable, http, notificationBody, stockItem, ticks } from '../setup';
import { elapsedMs, log, median, percentile, round } from '../stats';

const ROWS = 10_000;
const FRESH_RUNS = 5;
const UPDATE_RUNS = 3;

export interface TimingSummary {
  runs: number;
  medianMs: number;
  p95Ms: number;
  rowsPerSecond: number;
  samplesMs: number[];
}

export interface BulkCase {
  tablecast: TimingSummary;
  baseline: TimingSummary;
  /** Tablecast median time / baseline median time. */
  ratio: number;
}

export interface BulkResult {
  rows: number;
  fresh: BulkCase;
  update: BulkCase;
}

/**
 * The baseline: the least a hand-written writer does for the same rows, on its own connection.
 * One transaction: lock the catalog row, one statement that upserts every record from
 * jsonb_to_recordset and appends one change per record, raise head, commit.
 */
const BASELINE_WRITE = `
WITH input AS (
  SELECT x.ord, x.id, x.data FROM jsonb_to_recordset($2::jsonb) AS x(ord int, id text, data jsonb)
),
written AS (
  INSERT INTO records AS r (table_id, id, data, deleted, seq, source_ts, modified_at)
  SELECT $1, i.id, i.data, false, $3::bigint + i.ord, $4::bigint, now() FROM input i
  ON CONFLICT (table_id, id) DO UPDATE
     SET data = EXCLUDED.data, deleted = false, seq = EXCLUDED.seq, source_ts = EXCLUDED.source_ts, modified_at = EXCLUDED.modified_at
)
INSERT INTO changes (table_id, seq, op, record_id, data, modified_at)
SELECT $1, $3::bigint + i.ord, $5, i.id, i.data, now() FROM input i`;

function rowsFor(version: number): Record<string, unknown>[] {
  return Array.from({ length: ROWS }, (_, i) => stockItem(`ITEM${String(i).padStart(5, '0')}`, i, version));
}

function summarize(samplesMs: number[]): TimingSummary {
  const mid = median(samplesMs);
  return {
    runs: samplesMs.length,
    medianMs: round(mid),
    p95Ms: round(percentile(samplesMs, 95)),
    rowsPerSecond: Math.round(ROWS / (mid / 1000)),
    samplesMs: samplesMs.map((ms) => round(ms)),
  };
}

export async function runBulkNotification(session: BenchSession, databaseUrl: string): Promise<BulkResult> {
  let notificationId = 0;
  let tableNumber = 0;

  /** POSTs one 10,000-row notification; returns the request's wall time. */
  const pushApp = async (table: string, version: number, expected: 'inserted' | 'updated'): Promise<number> => {
    const body = notificationBody(rowsFor(version), `bench-bulk-${++notificationId}`, ticks(notificationId));
    const start = performance.now();
    const answer = await http('POST', `${session.solutionUrl}/acumatica/cdc?table=${table}`, session.token, body);
    const ms = elapsedMs(start);
    if (answer.status !== 200 || answer.body?.[expected] !== ROWS) {
      throw new Error(
        `10,000-row notification to ${table}: expected 200 with ${expected}=${ROWS}, got HTTP ${answer.status} ${answer.text.slice(0, 300)}`,
      );
    }
    return ms;
  };

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    /** Writes the same rows through raw pg; returns the transaction's wall time (encoding included). */
    const writeBaseline = async (tableId: string, version: number, op: 'insert' | 'update'): Promise<number> => {
      const rows = rowsFor(version);
      const timeStamp = ticks(++notificationId);
      const start = performance.now();
      const encoded = JSON.stringify(rows.map((data, i) => ({ ord: i + 1, id: data.InventoryID, data })));
      await client.query('BEGIN');
      try {
        const { rows: locked } = await client.query<{ head: string }>('SELECT head::text FROM data_tables WHERE id = $1 FOR UPDATE', [
          tableId,
        ]);
        await client.query(BASELINE_WRITE, [tableId, encoded, locked[0].head, timeStamp, op]);
        await client.query('UPDATE data_tables SET head = head + $2, row_count = row_count + $3, updated_at = now() WHERE id = $1', [
          tableId,
          ROWS,
          op === 'insert' ? ROWS : 0,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      return elapsedMs(start);
    };
    const baselineTable = () => createBaselineTable(client, session.solutionId, `baseline-bulk-${++tableNumber}`);

    log(`10,000-row notification: warming up`);
    await pushApp(`bulk-warmup`, 0, 'inserted');
    await writeBaseline(await baselineTable(), 0, 'insert');

    const fresh = { app: [] as number[], baseline: [] as number[] };
    for (let run = 1; run <= FRESH_RUNS; run++) {
      fresh.app.push(await pushApp(`bulk-fresh-${run}`, 0, 'inserted'));
      fresh.baseline.push(await writeBaseline(await baselineTable(), 0, 'insert'));
      log(
        `10,000-row notification, fresh table ${run}/${FRESH_RUNS}: Tablecast ${round(fresh.app.at(-1)!)} ms, baseline ${round(fresh.baseline.at(-1)!)} ms`,
      );
    }

    // Updates: every row of one table changes (new Descr and Qty, a newer TimeStamp).
    await pushApp('bulk-update', 0, 'inserted');
    const updateTableId = await baselineTable();
    await writeBaseline(updateTableId, 0, 'insert');
    const update = { app: [] as number[], baseline: [] as number[] };
    for (let run = 1; run <= UPDATE_RUNS; run++) {
      update.app.push(await pushApp('bulk-update', run, 'updated'));
      update.baseline.push(await writeBaseline(updateTableId, run, 'update'));
      log(
        `10,000-row notification, update ${run}/${UPDATE_RUNS}: Tablecast ${round(update.app.at(-1)!)} ms, baseline ${round(update.baseline.at(-1)!)} ms`,
      );
    }

    const compare = (app: number[], baseline: number[]): BulkCase => {
      const tablecast = summarize(app);
      const base = summarize(baseline);
      return { tablecast, baseline: base, ratio: round(median(app) / median(baseline), 2) };
    };
    return { rows: ROWS, fresh: compare(fresh.app, fresh.baseline), update: compare(update.app, update.baseline) };
  } finally {
    await client.end();
  }
}
