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
}
