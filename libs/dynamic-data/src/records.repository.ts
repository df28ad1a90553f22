import { Injectable } from '@nestjs/common';
import { dollarQuoted, TransactionRunner } from '@tablecast/database';
import { DataSource, EntityManager } from 'typeorm';
import { Outcome } from './change-set';
import { FRESH_MARKS_SETTING } from './group-marks';

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
 * CONTRACT section 5's meaning of one change `i` against the stored record `r` (none: NULLs):
 * older TimeStamp → stale (at equal TimeStamp an insert wins over a delete), identical data →
 * unchanged, otherwise inserted / updated / deleted. One text for both apply statements.
 */
const OUTCOME = `CASE
           WHEN r.id IS NOT NULL AND i.ts IS NOT NULL AND r.source_ts IS NOT NULL
                AND (i.ts < r.source_ts OR (i.ts = r.source_ts AND i.op = 'delete' AND NOT r.deleted)) THEN 'stale'
           WHEN i.op = 'delete' AND r.deleted THEN 'unchanged'
           WHEN i.op = 'delete' THEN 'deleted'
           WHEN r.deleted IS FALSE AND r.data = i.data THEN 'unchanged'
           WHEN i.op = 'update' OR r.deleted IS FALSE THEN 'updated'
           ELSE 'inserted'
         END AS outcome`;

/**
 * The CTEs after classification and numbering (`classified`, `numbered`), shared by the parameterized
 * apply and the group commit's literal one: upsert the records, append the changes, raise the head
 * and row count, restamp unchanged records. `table` is the SQL expression of the table id.
 */
function writeAndLog(table: string): string {
  return `written AS (
  INSERT INTO records AS r (table_id, id, data, deleted, seq, source_ts, modified_at)
  SELECT ${table}, n.id,
         CASE WHEN n.outcome = 'deleted' THEN COALESCE(n.old_data, n.data, '{}'::jsonb) ELSE n.data END,
         n.outcome = 'deleted', n.seq, n.ts, (SELECT now FROM clock)
    FROM numbered n
  ON CONFLICT (table_id, id) DO UPDATE
     SET data = EXCLUDED.data, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq,
         source_ts = COALESCE(EXCLUDED.source_ts, r.source_ts), modified_at = EXCLUDED.modified_at
),
logged AS (
  INSERT INTO changes (table_id, seq, op, record_id, data, modified_at)
  SELECT ${table}, n.seq,
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
   WHERE id = ${table} AND EXISTS (SELECT 1 FROM numbered)
),
restamped AS (
  UPDATE records r SET source_ts = c.ts
    FROM classified c
   WHERE c.outcome = 'unchanged' AND c.ts IS NOT NULL AND r.table_id = ${table} AND r.id = c.id
     AND (r.source_ts IS NULL OR r.source_ts < c.ts)
)`;
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
         ${OUTCOME}
    FROM input i
    LEFT JOIN records r ON r.table_id = $1 AND r.id = i.id
),
sequenced AS (
  -- Numbered in the same pass: no join back (see groupWaveStatement).
  SELECT c.*, CASE WHEN c.outcome IN ('inserted', 'updated', 'deleted')
                   THEN $3::bigint + count(*) FILTER (WHERE c.outcome IN ('inserted', 'updated', 'deleted')) OVER (ORDER BY c.ord)
              END AS seq
    FROM classified c
),
numbered AS (
  SELECT * FROM sequenced WHERE seq IS NOT NULL
),
${writeAndLog('$1')}
SELECT q.ord, q.outcome, q.seq::text AS seq
  FROM sequenced q
 ORDER BY q.ord`;

/** One batch of a group whose changes name each record at most once (a later batch sees its writes). */
export interface GroupWave {
  /** The members (change sets) in the wave, in arrival order, each with its dedupe mark (hex) or null. */
  members: { member: number; mark: string | null }[];
  /** The wave's changes as one JSON array: {m: member, ord, id, op, data, ts}, applied in (m, ord) order. */
  changes: string;
}

export interface GroupApply {
  organizationId: string;
  solutionId: string;
  tableId: string;
  /** The key fields the changes were mapped with: nothing is applied when the table's differ. */
  keyFields: string[] | null;
  /** A statement run first in the same message (e.g. writing dedupe marks, which sets FRESH_MARKS_SETTING). */
  prelude?: string;
  waves: GroupWave[];
}

export interface GroupAppliedRow {
  m: number;
  ord: number;
  outcome: Outcome;
  seq: string | null;
}

export interface GroupApplied {
  prelude: Record<string, unknown>[];
  waves: GroupAppliedRow[][];
  /** The table's head after the group. */
  head: number;
}

/** SQLSTATEs the lock statement raises (the whole message rolls back). */
export const GROUP_SOLUTION_GONE = 'TCG01';
export const GROUP_TABLE_CHANGED = 'TCG02';

/**
 * The lock statement of a group: the solution (KEY SHARE, the existence check) then the table's
 * catalog row (FOR UPDATE) — the global lock order. It raises GROUP_SOLUTION_GONE when the solution
 * is gone, GROUP_TABLE_CHANGED when the table is gone or its key fields are no longer the ones the
 * changes were mapped with. Its own statement: the apply statements after it take their snapshot
 * once the lock is held, so they see what the previous holder committed.
 */
function groupLockStatement(input: GroupApply): string {
  const body = `DECLARE
BEGIN
  PERFORM 1 FROM solutions s WHERE s.id = ${dollarQuoted(input.solutionId)}::uuid AND s.organization_id = ${dollarQuoted(input.organizationId)}::uuid FOR KEY SHARE;
  IF NOT FOUND THEN RAISE EXCEPTION 'the solution is gone' USING ERRCODE = '${GROUP_SOLUTION_GONE}'; END IF;
  PERFORM 1 FROM data_tables t
   WHERE t.id = ${dollarQuoted(input.tableId)}::bigint AND t.solution_id = ${dollarQuoted(input.solutionId)}::uuid
     AND COALESCE(to_jsonb(t.key_fields), 'null'::jsonb) = ${dollarQuoted(JSON.stringify(input.keyFields))}::jsonb
     FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'the table changed' USING ERRCODE = '${GROUP_TABLE_CHANGED}'; END IF;
END`;
  return `DO ${dollarQuoted(body)}`;
}

/**
 * One wave of a group in one statement: APPLY_CHANGE_SET for several members at once, numbered
 * head+1… in arrival order; skips members whose dedupe mark was not fresh.
 */
function groupWaveStatement(input: GroupApply, wave: GroupWave): string {
  const table = `${dollarQuoted(input.tableId)}::bigint`;
  return `WITH clock AS MATERIALIZED (SELECT statement_timestamp() AS now),
target AS MATERIALIZED (SELECT t.id, t.head FROM data_tables t WHERE t.id = ${table}),
live AS MATERIALIZED (
  SELECT w.m FROM jsonb_to_recordset(${dollarQuoted(JSON.stringify(wave.members.map((m) => ({ m: m.member, mark: m.mark }))))}::jsonb) AS w(m int, mark text)
   WHERE (w.mark IS NULL OR w.mark = ANY (string_to_array(current_setting('${FRESH_MARKS_SETTING}', true), ',')))),
input AS (
  SELECT x.* FROM jsonb_to_recordset(${dollarQuoted(wave.changes)}::jsonb) AS x(m int, ord int, id text, op text, data jsonb, ts bigint)
   WHERE x.m IN (SELECT m FROM live)
),
classified AS (
  SELECT i.m, i.ord, i.id COLLATE "C" AS id, i.op, i.data, i.ts,
         COALESCE(NOT r.deleted, false) AS was_live, r.data AS old_data,
         ${OUTCOME}
    FROM input i
    LEFT JOIN records r ON r.table_id = ${table} AND r.id = i.id
),
sequenced AS (
  -- Numbered in the same pass (no join back, whose estimate of one row from jsonb_to_recordset
  -- would make it a nested loop: 10,000 × 10,000 rows).
  SELECT c.*, CASE WHEN c.outcome IN ('inserted', 'updated', 'deleted')
                   THEN (SELECT head FROM target)
                        + count(*) FILTER (WHERE c.outcome IN ('inserted', 'updated', 'deleted')) OVER (ORDER BY c.m, c.ord)
              END AS seq
    FROM classified c
),
numbered AS (
  SELECT * FROM sequenced WHERE seq IS NOT NULL
),
${writeAndLog(table)}
SELECT q.m, q.ord, q.outcome, q.seq::text AS seq
  FROM sequenced q
 ORDER BY q.m, q.ord`;
}

/**
 * The statements of a group, to be sent as one message (one round trip, one implicit transaction:
 * TransactionRunner.runOnConnection): the prelude (dedupe marks, before the table lock, as in
 * \`DataWriter.write\`), the lock, one statement per wave, and the head after them.
 * Exported for the EXPLAIN harness (bench/explain.ts): run \`lock\`, then
 * EXPLAIN (ANALYZE, BUFFERS) one of \`waves\`, in a transaction.
 */
export function groupApplyStatements(input: GroupApply): { prelude?: string; lock: string; waves: string[]; head: string } {
  return {
    prelude: input.prelude,
    lock: groupLockStatement(input),
    waves: input.waves.map((wave) => groupWaveStatement(input, wave)),
    head: `SELECT head::text AS head FROM data_tables WHERE id = ${dollarQuoted(input.tableId)}::bigint`,
  };
}

const GROUP_WORK_MEM = `SET LOCAL work_mem = '64MB'`;

/** The group's statements as one message text. */
export function groupApplyMessage(input: GroupApply): string {
  const statements = groupApplyStatements(input);
  // A wave numbers its changes with a sort that carries their data: enough memory keeps a 10,000-row one off the disk.
  return [GROUP_WORK_MEM, ...(statements.prelude ? [statements.prelude] : []), statements.lock, ...statements.waves, statements.head].join(
    ';\n',
  );
}

/** What the message's statements returned, read back. */
function readGroupApplied(input: GroupApply, results: Record<string, unknown>[][]): GroupApplied {
  const rest = [...results];
  const prelude: Record<string, unknown>[] = [];
  rest.shift(); // SET LOCAL work_mem
  if (input.prelude) prelude.splice(0, prelude.length, ...rest.shift()!);
  rest.shift(); // the lock
  const head = Number(rest.pop()![0].head);
  return { prelude, waves: rest as unknown as GroupAppliedRow[][], head };
}

@Injectable()
export class RecordsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Only the group committer calls this: the whole group in one message, one implicit transaction (see groupApplyStatements). */
  applyGroup(input: GroupApply): Promise<GroupApplied> {
    return this.transactions.runOnConnection(async (client) => {
      const raw = await client.query(groupApplyMessage(input));
      return readGroupApplied(
        input,
        (Array.isArray(raw) ? raw : [raw]).map((result) => result.rows),
      );
    });
  }

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
