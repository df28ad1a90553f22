import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

export interface ConnectionRow {
  id: string;
  solution_id: string;
  name: string;
  instance_url: string;
  tenant: string;
  client_id: string;
  client_secret: string;
  username: string;
  password: string;
  created_at: Date;
  updated_at: Date;
  created_us: string;
}

export interface SourceRow {
  table_id: string;
  connection_id: string;
  generic_inquiry: string;
  field_map: Record<string, string>;
  every_minutes: number | null;
  next_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type ReloadStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ReloadRow {
  id: string;
  table_id: string;
  mode: 'full' | 'compare';
  status: ReloadStatus;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  pages: number;
  rows_read: string;
  result: Record<string, number> | null;
  error: { code: string; message: string } | null;
  attempts: number;
  created_us: string;
}

/** A reload with what running it needs: its table, source and connection. */
export interface ReloadJobRow extends ReloadRow {
  organization_id: string;
  solution_id: string;
  table_name: string;
  key_fields: string[] | null;
  connection_id: string | null;
  generic_inquiry: string | null;
  field_map: Record<string, string> | null;
}

export interface ConnectionFields {
  name?: string;
  instanceUrl?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
}

const MICROS = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
/** The advisory lock key of a reload's run (held by the node running it). */
const RUN_KEY = (id: string) => `hashtextextended('acumatica-reload:' || ${id}::text, 0)`;
const CONNECTION = `c.id, c.solution_id, c.name, c.instance_url, c.tenant, c.client_id, c.client_secret, c.username, c.password,
  c.created_at, c.updated_at, ${MICROS('c.created_at')} AS created_us`;
const RELOAD = `r.id, r.table_id, r.mode, r.status, r.created_at, r.started_at, r.finished_at, r.pages, r.rows_read::text,
  r.result, r.error, r.attempts, ${MICROS('r.created_at')} AS created_us`;

@Injectable()
export class PullRepository {
  constructor(private readonly dataSource: DataSource) {}

  async createConnection(id: string, solutionId: string, f: Required<ConnectionFields>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO acumatica_connections (id, solution_id, name, instance_url, tenant, client_id, client_secret, username, password)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, solutionId, f.name, f.instanceUrl, f.tenant, f.clientId, f.clientSecret, f.username, f.password],
    );
  }

  async findConnection(organizationId: string, solutionId: string, id: string): Promise<ConnectionRow | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `SELECT ${CONNECTION} FROM acumatica_connections c JOIN solutions s ON s.id = c.solution_id
        WHERE s.organization_id = $1 AND c.solution_id = $2 AND c.id = $3`,
      [organizationId, solutionId, id],
    );
    return rows[0];
  }

  async connectionById(id: string): Promise<ConnectionRow | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(`SELECT ${CONNECTION} FROM acumatica_connections c WHERE c.id = $1`, [id]);
    return rows[0];
  }

  listConnections(solutionId: string, limit: number, after?: { createdUs: string; id: string }): Promise<ConnectionRow[]> {
    return this.dataSource.query(
      `SELECT ${CONNECTION} FROM acumatica_connections c
        WHERE c.solution_id = $1 AND ($3::bigint IS NULL OR (${MICROS('c.created_at')}::bigint, c.id) > ($3::bigint, $4::uuid))
        ORDER BY c.created_at, c.id LIMIT $2`,
      [solutionId, limit + 1, after?.createdUs ?? null, after?.id ?? null],
    );
  }

  async updateConnection(id: string, f: ConnectionFields): Promise<void> {
    await this.dataSource.query(
      `UPDATE acumatica_connections SET
         name = COALESCE($2, name), instance_url = COALESCE($3, instance_url), tenant = COALESCE($4, tenant),
         client_id = COALESCE($5, client_id), client_secret = COALESCE($6, client_secret),
         username = COALESCE($7, username), password = COALESCE($8, password), updated_at = now()
       WHERE id = $1`,
      [
        id,
        f.name ?? null,
        f.instanceUrl ?? null,
        f.tenant ?? null,
        f.clientId ?? null,
        f.clientSecret ?? null,
        f.username ?? null,
        f.password ?? null,
      ],
    );
  }

  /** Deletes a connection no source uses; the foreign key refuses one in use (23503). */
  async deleteConnection(id: string): Promise<void> {
    await this.dataSource.query('DELETE FROM acumatica_connections WHERE id = $1', [id]);
  }

  async sourceTables(connectionId: string): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT t.name FROM acumatica_sources so JOIN data_tables t ON t.id = so.table_id WHERE so.connection_id = $1 ORDER BY t.name LIMIT 10`,
      [connectionId],
    );
    return rows.map((row) => row.name);
  }

  async upsertSource(
    tableId: string,
    connectionId: string,
    genericInquiry: string,
    fieldMap: Record<string, string>,
    everyMinutes: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO acumatica_sources AS so (table_id, connection_id, generic_inquiry, field_map, every_minutes, next_run_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::int, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(mins => $5::int) END)
       ON CONFLICT (table_id) DO UPDATE SET connection_id = EXCLUDED.connection_id, generic_inquiry = EXCLUDED.generic_inquiry,
         field_map = EXCLUDED.field_map, every_minutes = EXCLUDED.every_minutes, next_run_at = EXCLUDED.next_run_at, updated_at = now()`,
      [tableId, connectionId, genericInquiry, JSON.stringify(fieldMap), everyMinutes],
    );
  }

  async findSource(tableId: string): Promise<SourceRow | undefined> {
    const rows: SourceRow[] = await this.dataSource.query(
      `SELECT table_id::text, connection_id, generic_inquiry, field_map, every_minutes, next_run_at, created_at, updated_at
         FROM acumatica_sources WHERE table_id = $1`,
      [tableId],
    );
    return rows[0];
  }

  async deleteSource(tableId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'WITH gone AS (DELETE FROM acumatica_sources WHERE table_id = $1 RETURNING 1) SELECT 1 FROM gone',
      [tableId],
    );
    return rows.length > 0;
  }

  /** Queues a reload; undefined when one is already queued or running for the table (the partial unique index). */
  async createReload(id: string, tableId: string, mode: 'full' | 'compare'): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO acumatica_reloads (id, table_id, mode) VALUES ($1, $2, $3)
       ON CONFLICT (table_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING 1`,
      [id, tableId, mode],
    );
    return rows.length > 0;
  }

  async activeReload(tableId: string): Promise<ReloadRow | undefined> {
    const rows: ReloadRow[] = await this.dataSource.query(
      `SELECT ${RELOAD} FROM acumatica_reloads r WHERE r.table_id = $1 AND r.status IN ('queued', 'running')`,
      [tableId],
    );
    return rows[0];
  }

  async findReload(tableId: string, id: string): Promise<ReloadRow | undefined> {
    const rows: ReloadRow[] = await this.dataSource.query(`SELECT ${RELOAD} FROM acumatica_reloads r WHERE r.table_id = $1 AND r.id = $2`, [
      tableId,
      id,
    ]);
    return rows[0];
  }

  listReloads(tableId: string, limit: number, before?: { createdUs: string; id: string }): Promise<ReloadRow[]> {
    return this.dataSource.query(
      `SELECT ${RELOAD} FROM acumatica_reloads r
        WHERE r.table_id = $1 AND ($3::bigint IS NULL OR (${MICROS('r.created_at')}::bigint, r.id) < ($3::bigint, $4::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
      [tableId, limit + 1, before?.createdUs ?? null, before?.id ?? null],
    );
  }

  /** Claims a queued (or, after a crash, running) reload for this attempt; undefined when it ended or was cancelled. */
  async start(id: string, maxAttempts: number): Promise<ReloadJobRow | undefined> {
    const rows: ReloadJobRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE acumatica_reloads SET status = 'running', started_at = now(), pages = 0, rows_read = 0, attempts = attempts + 1
          WHERE id = $1 AND status IN ('queued', 'running') AND attempts < $2
          RETURNING *)
       SELECT ${RELOAD}, sol.organization_id, t.solution_id, t.name AS table_name, t.key_fields,
              so.connection_id, so.generic_inquiry, so.field_map
         FROM claimed r JOIN data_tables t ON t.id = r.table_id JOIN solutions sol ON sol.id = t.solution_id
         LEFT JOIN acumatica_sources so ON so.table_id = r.table_id`,
      [id, maxAttempts],
    );
    return rows[0];
  }

  /** A reload that ran out of attempts (crashed every time): failed, with a clear error. */
  async failExhausted(id: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE acumatica_reloads SET status = 'failed', finished_at = now(), error = jsonb_build_object('code', 'interrupted', 'message', $2::text)
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, message],
    );
  }

  /** Page progress; false when the reload is no longer running (cancelled). */
  async progress(id: string, pages: number, rowsRead: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH done AS (UPDATE acumatica_reloads SET pages = $2, rows_read = $3 WHERE id = $1 AND status = 'running' RETURNING 1) SELECT 1 FROM done`,
      [id, pages, rowsRead],
    );
    return rows.length > 0;
  }

  async isRunning(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM acumatica_reloads WHERE id = $1 AND status = 'running'`, [id]);
    return rows.length > 0;
  }

  async finish(
    id: string,
    status: 'succeeded' | 'failed',
    result: Record<string, number> | null,
    error: { code: string; message: string } | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE acumatica_reloads SET status = $2, finished_at = now(), result = $3::jsonb, error = $4::jsonb
        WHERE id = $1 AND status = 'running'`,
      [id, status, result && JSON.stringify(result), error && JSON.stringify(error)],
    );
  }

  async cancel(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH done AS (UPDATE acumatica_reloads SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING 1)
       SELECT 1 FROM done`,
      [id],
    );
    return rows.length > 0;
  }

  /** Sources due for their scheduled compare: their next run moves on by their interval (one node wins each). */
  claimDue(): Promise<{ table_id: string }[]> {
    return this.dataSource.query(
      `WITH due AS (UPDATE acumatica_sources SET next_run_at = now() + make_interval(mins => every_minutes)
                     WHERE next_run_at <= now() RETURNING table_id)
       SELECT table_id::text FROM due`,
    );
  }

  /** Of `ids`, those changed at or after `since` (a push or REST write during the reload): left as they are. */
  async changedSince(tableId: string, ids: string[], since: Date): Promise<Set<string>> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM records WHERE table_id = $1 AND id = ANY($2::text[]) AND modified_at >= $3`,
      [tableId, ids, since],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Live records the read did not return: those changed before `since` are to be deleted; the others are newer. */
  async unread(tableId: string, read: string[], since: Date): Promise<{ id: string; newer: boolean }[]> {
    return this.dataSource.query(
      `SELECT r.id, r.modified_at >= $3 AS newer FROM records r
        WHERE r.table_id = $1 AND NOT r.deleted
          AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS u(id) WHERE u.id = r.id)
        ORDER BY r.id`,
      [tableId, read, since],
    );
  }

  /** Queued reloads, and running ones whose node is gone (nobody holds their run lock): to be (re)sent to the job queue. */
  async toDispatch(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT r.id FROM acumatica_reloads r
        WHERE r.status = 'queued'
           OR (r.status = 'running' AND NOT EXISTS (
                SELECT 1 FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid::bigint = ((${RUN_KEY('r.id')}) >> 32) & 4294967295
                   AND l.objid::bigint = (${RUN_KEY('r.id')}) & 4294967295))
        ORDER BY r.created_at LIMIT 100`,
    );
    return rows.map((row) => row.id);
  }

  /** A reload stopped by a graceful shutdown goes back to the queue (another node, or this one restarted, runs it). */
  async requeue(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE acumatica_reloads SET status = 'queued', attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'running'`,
      [id],
    );
  }

  /** The reload's run lock on a connection of its own, or undefined when another runner (any node) holds it. */
  async tryHoldRunLock(reloadId: string): Promise<(() => Promise<void>) | undefined> {
    return this.hold(
      `SELECT pg_try_advisory_lock(${RUN_KEY('$1::uuid')}) AS ok`,
      `SELECT pg_advisory_unlock(${RUN_KEY('$1::uuid')})`,
      reloadId,
    );
  }

  /**
   * Holds the connection's session lock (a PostgreSQL advisory lock on a connection of its own)
   * until `release()`: one Acumatica session per connection across all nodes. A crashed node's
   * lock goes with its database connection.
   */
  async holdSessionLock(connectionId: string): Promise<() => Promise<void>> {
    const key = `hashtextextended('acumatica-session:' || $1, 0)`;
    return (await this.hold(`SELECT pg_advisory_lock(${key}) IS NOT NULL AS ok`, `SELECT pg_advisory_unlock(${key})`, connectionId))!;
  }

  private async hold(lock: string, unlock: string, key: string): Promise<(() => Promise<void>) | undefined> {
    // A pooled connection of its own: a session-level advisory lock lives as long as that connection.
    const client = await this.pool().connect();
    let ok = false;
    try {
      const result = await client.query<{ ok: boolean }>(lock, [key]);
      ok = result.rows[0].ok;
    } finally {
      if (!ok) client.release();
    }
    if (!ok) return undefined;
    return async () => {
      try {
        await client.query(unlock, [key]);
        client.release();
      } catch (error) {
        // A connection that failed to unlock is closed, which releases the lock too.
        client.release(error as Error);
      }
    };
  }

  /** The job queue's access to the database (pg-boss runs its own SQL over the same pool). */
  jobDatabase(): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
    const pool = this.pool();
    return { executeSql: (text, values) => pool.query(text, values) };
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}
