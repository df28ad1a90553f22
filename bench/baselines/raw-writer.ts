import { createHash } from 'node:crypto';
import { ClientBase } from 'pg';

/**
 * The raw-pg baseline writer: the least a hand-written writer does for one notification, in one
 * transaction and four round trips — BEGIN; the dedupe mark and the head bump (which takes the
 * table's row lock) in one statement; the set-based JSONB upsert, the change-log insert and the
 * NOTIFY in another; COMMIT. Every row is taken as an insert of a new record (no classification).
 */
const MARK_AND_BUMP = `
WITH mark AS (INSERT INTO cdc_dedupe (solution_id, digest) VALUES ($1, $2))
UPDATE data_tables SET head = head + $4, row_count = row_count + $4, updated_at = now()
 WHERE id = $3
RETURNING (head - $4)::text AS base`;

const UPSERT_LOG_NOTIFY = `
WITH input AS (
  SELECT x.ord, x.id, x.data FROM jsonb_to_recordset($2::jsonb) AS x(ord int, id text, data jsonb)
),
written AS (
  INSERT INTO records AS r (table_id, id, data, deleted, seq, source_ts, modified_at)
  SELECT $1, i.id, i.data, false, $3::bigint + i.ord, $4::bigint, now() FROM input i
  ON CONFLICT (table_id, id) DO UPDATE
     SET data = EXCLUDED.data, deleted = false, seq = EXCLUDED.seq, source_ts = EXCLUDED.source_ts, modified_at = EXCLUDED.modified_at
),
logged AS (
  INSERT INTO changes (table_id, seq, op, record_id, data, modified_at)
  SELECT $1, $3::bigint + i.ord, 'insert', i.id, i.data, now() FROM input i
)
SELECT pg_notify('bench_raw', $1::text)`;

export interface RawRow {
  id: string;
  data: Record<string, unknown>;
}

/** Writes one notification's rows; resolves with the table's head before it (the rows get base+1…). */
export async function rawWrite(
  client: ClientBase,
  solutionId: string,
  tableId: string,
  notificationId: string,
  timeStamp: string,
  rows: RawRow[],
): Promise<number> {
  const encoded = JSON.stringify(rows.map((row, i) => ({ ord: i + 1, id: row.id, data: row.data })));
  const digest = createHash('sha256').update(notificationId).digest();
  await client.query('BEGIN');
  try {
    const { rows: bumped } = await client.query<{ base: string }>(MARK_AND_BUMP, [solutionId, digest, tableId, rows.length]);
    await client.query(UPSERT_LOG_NOTIFY, [tableId, encoded, bumped[0].base, timeStamp]);
    await client.query('COMMIT');
    return Number(bumped[0].base);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A data_tables row written directly, for the baselines; returns its id. */
export async function createRawTable(client: ClientBase, solutionId: string, name: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>('INSERT INTO data_tables (solution_id, name) VALUES ($1, $2) RETURNING id::text', [
    solutionId,
    name,
  ]);
  return rows[0].id;
}
