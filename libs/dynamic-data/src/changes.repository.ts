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
}
