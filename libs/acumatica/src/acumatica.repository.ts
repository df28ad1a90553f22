import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { toStorableText } from '@tablecast/common';
import { dollarQuoted } from '@tablecast/database';
import { FRESH_MARKS_SETTING } from '@tablecast/dynamic-data';

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

  /**
   * The dedupe marks of a group of notifications (hex digests, sorted: concurrent groups take them
   * in one order) in one statement without parameters, for the group's message: it holds the
   * solution (KEY SHARE; none written when it is gone) and leaves the marks it wrote in
   * FRESH_MARKS_SETTING. A concurrent twin waits here, before the table lock, as in markOnce.
   */
  markGroupStatement(solutionId: string, digests: string[]): string {
    return `WITH scope AS MATERIALIZED (SELECT s.id FROM solutions s WHERE s.id = ${dollarQuoted(solutionId)}::uuid FOR KEY SHARE),
marked AS (
  INSERT INTO cdc_dedupe (solution_id, digest)
  SELECT s.id, decode(d.hex, 'hex') FROM scope s, unnest(string_to_array(${dollarQuoted(digests.join(','))}, ',')) WITH ORDINALITY AS d(hex, n)
   ORDER BY d.n
  ON CONFLICT DO NOTHING RETURNING encode(digest, 'hex') AS hex)
SELECT set_config('${FRESH_MARKS_SETTING}', COALESCE((SELECT string_agg(hex, ',') FROM marked), ''), true) AS marks`;
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

  /**
   * Records deliveries in one statement (skipping solutions deleted meanwhile: the solutions that
   * remain are held with KEY SHARE until commit) and trims each solution's audit to its newest `keep`.
   * Inside the caller's transaction.
   */
  async recordDeliveries(manager: EntityManager, deliveries: DeliveryRecord[], keep: number): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = deliveries.map((d, ord) => ({
      ord,
      solution_id: d.solutionId,
      received_at: d.receivedAt.toISOString(),
      status: d.status,
      duplicate: d.duplicate,
      company_id: d.companyId,
      query: d.query,
      notification_id: d.notificationId,
      time_stamp: d.timeStamp,
      table_param: d.tableParam,
      rows: d.rows,
      duration_ms: d.durationMs,
      receipt: d.receipt ?? null,
      error: d.error ?? null,
    }));
    await manager.query(
      `INSERT INTO cdc_deliveries (solution_id, received_at, status, duplicate, company_id, query, notification_id, time_stamp,
                                     table_param, rows, duration_ms, receipt, error)
         SELECT x.solution_id, x.received_at, x.status, x.duplicate, x.company_id, x.query, x.notification_id, x.time_stamp,
                x.table_param, x.rows, x.duration_ms, x.receipt, x.error
           FROM jsonb_to_recordset($1::jsonb) AS x(ord int, solution_id uuid, received_at timestamptz, status int, duplicate boolean,
                company_id text, query text, notification_id text, time_stamp text, table_param text, rows int, duration_ms int,
                receipt jsonb, error jsonb)
           JOIN (SELECT s.id FROM solutions s WHERE s.id IN (SELECT solution_id FROM jsonb_to_recordset($1::jsonb) AS y(solution_id uuid))
                  ORDER BY s.id FOR KEY SHARE) s ON s.id = x.solution_id
          ORDER BY x.ord`, // ids follow arrival order
      // What a sender put in CompanyId, Query, Id or ?table= is recorded as received, except what jsonb
      // cannot hold: one such delivery must not make the whole batch (other tenants' entries too) fail.
      [JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' ? toStorableText(value) : value))],
    );
    await manager.query(
      `DELETE FROM cdc_deliveries d
          USING (SELECT s.id AS solution_id,
                        (SELECT c.id FROM cdc_deliveries c WHERE c.solution_id = s.id ORDER BY c.id DESC OFFSET $2 LIMIT 1) AS cutoff
                   FROM unnest($1::uuid[]) AS s(id)) t
          WHERE d.solution_id = t.solution_id AND d.id <= t.cutoff`,
      [[...new Set(deliveries.map((d) => d.solutionId))], keep],
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
