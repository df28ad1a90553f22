import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Outcome } from './change-set';

export interface RecordRow {
  id: string;
  data: Record<string, unknown>;
  deleted: boolean;
  seq: string;
  modified_at: Date;
}

export interface AppliedRow {
  ord: number;
  outcome: Outcome;
  seq: string | null;
}

/**
 * Applies a whole change set in one statement: classify every change against the stored record
 * (stale / unchanged / inserted / updated / deleted), number the effective ones head+1…, upsert
 * records, append the change log, raise the table's head and row count, and remember newer source
 * stamps of unchanged rows. The caller holds the table's lock, so $3 is the current head.
 * $1 table id, $2 encoded change set, $3 current head. The changes' time is the statement's start,
 * which is after the lock was granted: within a table, times grow with seq.
 */
const APPLY_CHANGE_SET = `
WITH clock AS MATERIALIZED (SELECT statement_timestamp() AS now),
input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(ord int, id text, op text, data jsonb, ts bigint)
),
classified AS (
  SELECT i.ord, i.id COLLATE "C" AS id, i.op, i.data, i.ts,
         COALESCE(NOT r.deleted, false) AS was_live, r.data AS old_data,
         CASE
           WHEN r.id IS NOT NULL AND i.ts IS NOT NULL AND r.source_ts IS NOT NULL
                AND (i.ts < r.source_ts OR (i.ts = r.source_ts AND i.op = 'delete' AND NOT r.deleted)) THEN 'stale'
           WHEN i.op = 'delete' AND r.deleted THEN 'unchanged'
           WHEN i.op = 'delete' THEN 'deleted'
           WHEN r.deleted IS FALSE AND r.data = i.data THEN 'unchanged'
           WHEN i.op = 'update' OR r.deleted IS FALSE THEN 'updated'
           ELSE 'inserted'
         END AS outcome
    FROM input i
    LEFT JOIN records r ON r.table_id = $1 AND r.id = i.id
),
numbered AS (
  SELECT c.*, $3::bigint + row_number() OVER (ORDER BY c.ord) AS seq
    FROM classified c
   WHERE c.outcome IN ('inserted', 'updated', 'deleted')
),
written AS (
  INSERT INTO records AS r (table_id, id, data, deleted, seq, source_ts, modified_at)
  SELECT $1, n.id,
         CASE WHEN n.outcome = 'deleted' THEN COALESCE(n.old_data, n.data, '{}'::jsonb) ELSE n.data END,
         n.outcome = 'deleted', n.seq, n.ts, (SELECT now FROM clock)
    FROM numbered n
  ON CONFLICT (table_id, id) DO UPDATE
     SET data = EXCLUDED.data, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq,
         source_ts = COALESCE(EXCLUDED.source_ts, r.source_ts), modified_at = EXCLUDED.modified_at
),
logged AS (
  INSERT INTO changes (table_id, seq, op, record_id, data, modified_at)
  SELECT $1, n.seq,
         CASE n.outcome WHEN 'inserted' THEN 'insert' WHEN 'updated' THEN 'update' ELSE 'delete' END,
         n.id, CASE WHEN n.outcome = 'deleted' THEN NULL ELSE n.data END, (SELECT now FROM clock)
    FROM numbered n
),
bumped AS (
  UPDATE data_tables
     SET head = head + (SELECT count(*) FROM numbered),
         row_count = row_count + (SELECT COALESCE(sum(CASE WHEN c.outcome IN ('inserted', 'updated') AND NOT c.was_live THEN 1
                                                          WHEN c.outcome = 'deleted' AND c.was_live THEN -1
                                                          ELSE 0 END), 0)
                                    FROM classified c),
         updated_at = (SELECT now FROM clock)
   WHERE id = $1 AND EXISTS (SELECT 1 FROM numbered)
),
restamped AS (
  UPDATE records r SET source_ts = c.ts
    FROM classified c
   WHERE c.outcome = 'unchanged' AND c.ts IS NOT NULL AND r.table_id = $1 AND r.id = c.id
     AND (r.source_ts IS NULL OR r.source_ts < c.ts)
)
SELECT c.ord, c.outcome, n.seq::text AS seq
  FROM classified c LEFT JOIN numbered n ON n.ord = c.ord
 ORDER BY c.ord`;

@Injectable()
export class RecordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Only the write path (DataWriter) calls this, holding the table's lock. */
  apply(manager: EntityManager, tableId: string, encodedChanges: string, head: string): Promise<AppliedRow[]> {
    return manager.query(APPLY_CHANGE_SET, [tableId, encodedChanges, head]);
  }

  async find(tableId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<RecordRow | undefined> {
    const rows: RecordRow[] = await manager.query(
      'SELECT id, data, deleted, seq::text, modified_at FROM records WHERE table_id = $1 AND id = $2',
      [tableId, id],
    );
    return rows[0];
  }

  /** Keyset page in id order; `filter` is JSONB containment. */
  list(tableId: string, options: { limit: number; afterId?: string; filter?: string; includeDeleted: boolean }): Promise<RecordRow[]> {
    return this.dataSource.query(
      `SELECT id, data, deleted, seq::text, modified_at FROM records
        WHERE table_id = $1 AND ($2::text IS NULL OR id > $2) AND ($3::boolean OR NOT deleted)
          AND ($4::jsonb IS NULL OR data @> $4::jsonb)
        ORDER BY id LIMIT $5`,
      [tableId, options.afterId ?? null, options.includeDeleted, options.filter ?? null, options.limit + 1],
    );
  }
}
