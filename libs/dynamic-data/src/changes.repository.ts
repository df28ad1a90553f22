import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChangeRow {
  seq: string;
  op: 'insert' | 'update' | 'delete';
  record_id: string;
  data: Record<string, unknown> | null;
  modified_at: Date;
}

@Injectable()
export class ChangesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Changes with since < seq ≤ upTo (when given), in seq order. */
  readSince(tableId: string, since: number, limit: number, upTo?: number): Promise<ChangeRow[]> {
    return this.dataSource.query(
      `SELECT seq::text, op, record_id, data, modified_at FROM changes
        WHERE table_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq <= $3)
        ORDER BY changes.seq LIMIT $4`, // the column: a bare "seq" would sort by the text alias
      [tableId, since, upTo ?? null, limit],
    );
  }

  /** The table's head and how far back its log reaches (changes ≤ floor were purged). */
  async position(tableId: string): Promise<{ head: number; floor: number } | undefined> {
    const rows: { head: string; log_floor: string }[] = await this.dataSource.query(
      'SELECT head::text, log_floor::text FROM data_tables WHERE id = $1',
      [tableId],
    );
    return rows[0] && { head: Number(rows[0].head), floor: Number(rows[0].log_floor) };
  }

  async heads(tableIds: string[]): Promise<Map<string, number>> {
    if (tableIds.length === 0) return new Map();
    const rows: { id: string; head: string }[] = await this.dataSource.query(
      'SELECT id::text, head::text FROM data_tables WHERE id = ANY($1::bigint[])',
      [tableIds],
    );
    return new Map(rows.map((row) => [row.id, Number(row.head)]));
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
