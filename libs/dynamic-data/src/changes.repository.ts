import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChangeRow {
  seq: string;
  op: 'insert' | 'update' | 'delete';
  record_id: string;
  data: Record<string, unknown> | null;
  modified_at: Date;
}

export interface TablePosition {
  id: string;
  solution_id: string;
  name: string;
  head: string;
}

@Injectable()
export class ChangesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One statement, so one snapshot: the table's head and log floor and the changes with
   * since < seq ≤ upTo (when given), in seq order. `head` is therefore ≥ every seq returned, and a
   * purge can never fall between the floor check and the rows (the caller sees `floor` > since and
   * answers reset instead of a gap). Undefined when the table does not exist.
   */
  async readPage(tableId: string, since: number, limit: number, upTo?: number): Promise<{ head: number; floor: number; rows: ChangeRow[] } | undefined> {
    const rows: (Partial<ChangeRow> & { head: string; log_floor: string })[] = await this.dataSource.query(
      `SELECT t.head::text, t.log_floor::text, c.seq::text, c.op, c.record_id, c.data, c.modified_at
         FROM data_tables t
         LEFT JOIN LATERAL (
           SELECT seq, op, record_id, data, modified_at FROM changes
            WHERE table_id = t.id AND seq > $2 AND ($3::bigint IS NULL OR seq <= $3) AND $2 >= t.log_floor
            ORDER BY changes.seq LIMIT $4) c ON true
        WHERE t.id = $1
        ORDER BY c.seq`,
      [tableId, since, upTo ?? null, limit],
    );
    if (rows.length === 0) return undefined;
    return {
      head: Number(rows[0].head),
      floor: Number(rows[0].log_floor),
      rows: rows.filter((row) => row.seq !== null) as ChangeRow[],
    };
  }

  /**
   * In one statement: the head of each table given by id, and the id and head of each table given
   * by (solution, name) — the sweep's one query per node, however many subscriptions it checks.
   */
  async positions(tableIds: string[], names: { solutionId: string; table: string }[]): Promise<TablePosition[]> {
    if (tableIds.length === 0 && names.length === 0) return [];
    return this.dataSource.query(
      `SELECT t.id::text, t.solution_id::text, t.name, t.head::text FROM data_tables t
        WHERE t.id = ANY($1::bigint[])
           OR (t.solution_id, t.name) IN (SELECT * FROM unnest($2::uuid[], $3::text[]))`,
      [tableIds, names.map((n) => n.solutionId), names.map((n) => n.table)],
    );
  }

  /**
   * Purges the oldest changes before the cutoff, at most `batch` of them, and raises each table's
   * log floor to the highest seq purged. Within a table commit times grow with seq, so what goes is
   * always a prefix of its log. Returns how many went.
   */
  async purgeBefore(cutoff: Date, batch: number): Promise<number> {
    const rows: { purged: string }[] = await this.dataSource.query(
      `WITH victims AS (
         SELECT table_id, seq FROM changes WHERE modified_at < $1 ORDER BY modified_at LIMIT $2),
       purged AS (
         DELETE FROM changes c USING victims v WHERE c.table_id = v.table_id AND c.seq = v.seq RETURNING c.table_id, c.seq),
       floors AS (
         UPDATE data_tables t SET log_floor = GREATEST(t.log_floor, p.floor)
           FROM (SELECT table_id, max(seq) AS floor FROM purged GROUP BY table_id) p
          WHERE t.id = p.table_id RETURNING 1)
       SELECT (SELECT count(*) FROM purged)::text AS purged`,
      [cutoff, batch],
    );
    return Number(rows[0]?.purged ?? 0);
  }
}
