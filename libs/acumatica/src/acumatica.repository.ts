import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface DeliveryRecord {
  solutionId: string;
  receivedAt: Date;
  status: number;
  duplicate: boolean;
  companyId: string | null;
  query: string | null;
  notificationId: string | null;
  timeStamp: string | null;
  tableParam: string | null;
  rows: number;
  durationMs: number;
  receipt: unknown;
  error: unknown;
}

export interface DeliveryRow {
  id: string;
  received_at: Date;
  status: number;
  duplicate: boolean;
  company_id: string | null;
  query: string | null;
  notification_id: string | null;
  time_stamp: string | null;
  table_param: string | null;
  rows: number;
  duration_ms: number;
  receipt: unknown;
  error: unknown;
}

@Injectable()
export class AcumaticaRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes the dedupe mark inside the caller's transaction. False when the mark exists: the
   * notification was applied before. A concurrent twin waits here until the first commits or rolls back.
   */
  async markOnce(manager: EntityManager, solutionId: string, digest: Buffer): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      'INSERT INTO cdc_dedupe (solution_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
      [solutionId, digest],
    );
    return rows.length > 0;
  }

  async purgeDedupe(cutoff: Date, batch: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH victims AS (SELECT solution_id, digest FROM cdc_dedupe WHERE created_at < $1 LIMIT $2),
            purged AS (DELETE FROM cdc_dedupe d USING victims v WHERE d.solution_id = v.solution_id AND d.digest = v.digest RETURNING 1)
       SELECT 1 FROM purged`,
      [cutoff, batch],
    );
    return rows.length;
  }

  /** Records a delivery and trims the solution's audit to its newest `keep`. */
  async recordDelivery(delivery: DeliveryRecord, keep: number): Promise<void> {
    await this.dataSource.query(
      `WITH added AS (
         INSERT INTO cdc_deliveries (solution_id, received_at, status, duplicate, company_id, query, notification_id, time_stamp,
                                     table_param, rows, duration_ms, receipt, error)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
          WHERE EXISTS (SELECT 1 FROM solutions WHERE id = $1)
         RETURNING id)
       DELETE FROM cdc_deliveries
        WHERE solution_id = $1
          AND id <= (SELECT id FROM cdc_deliveries WHERE solution_id = $1 ORDER BY id DESC OFFSET $14 LIMIT 1)`, // the snapshot excludes the new row: keep - 1 older ones stay
      [
        delivery.solutionId,
        delivery.receivedAt,
        delivery.status,
        delivery.duplicate,
        delivery.companyId,
        delivery.query,
        delivery.notificationId,
        delivery.timeStamp,
        delivery.tableParam,
        delivery.rows,
        delivery.durationMs,
        delivery.receipt === undefined ? null : JSON.stringify(delivery.receipt),
        delivery.error === undefined ? null : JSON.stringify(delivery.error),
        keep - 1,
      ],
    );
  }

  listDeliveries(solutionId: string, limit: number, beforeId?: string): Promise<DeliveryRow[]> {
    return this.dataSource.query(
      `SELECT id::text, received_at, status, duplicate, company_id, query, notification_id, time_stamp, table_param, rows,
              duration_ms, receipt, error
         FROM cdc_deliveries
        WHERE solution_id = $1 AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [solutionId, beforeId ?? null, limit + 1],
    );
  }
}
