import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface WebhookRow {
  id: string;
  solution_id: string;
  organization_id: string;
  url: string;
  tables: string[] | null;
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_expires_at: Date | null;
  created_at: Date;
}

export interface CursorRow {
  webhook_id: string;
  table: string;
  delivered_seq: string;
  head: string;
  attempts: number;
  failing_since: Date | null;
  next_attempt_at: Date;
}

/** A (webhook, table) cursor claimed by this node: its lease, position and what to sign with. */
export interface ClaimedCursor {
  webhook_id: string;
  table_id: string;
  table_name: string;
  organization_id: string;
  solution_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_expires_at: Date | null;
  delivered_seq: string;
  pending_to: string | null;
  pending_reset: boolean;
  attempts: number;
  lease_token: string;
  head: string;
  log_floor: string;
}

export interface AttemptRow {
  id: string;
  webhook_id: string;
  table_name: string;
  from_seq: string;
  to_seq: string;
  attempt: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

export interface NewAttempt {
  webhookId: string;
  tableId: string;
  table: string;
  fromSeq: number;
  toSeq: number;
  kind: 'table.changed' | 'table.reset';
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** A timestamp as microseconds since 1970 (exact; the key of list cursors). */
const MICROS = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

const WEBHOOK = `w.id, w.solution_id, s.organization_id, w.url, w.tables, w.description, w.enabled, w.disabled_reason,
  w.secret, w.previous_secret, w.previous_expires_at, w.created_at`;

/**
 * Cursors for the solution's existing tables that the webhook covers and has no cursor for yet,
 * starting after each table's head now (CONTRACT: a webhook starts with the changes committed after).
 */
const CURSORS_AT_HEAD = `
  INSERT INTO webhook_cursors (webhook_id, table_id, delivered_seq)
  SELECT w.id, t.id, t.head FROM webhooks w JOIN data_tables t ON t.solution_id = w.solution_id
   WHERE w.id = $1 AND (w.tables IS NULL OR t.name = ANY(w.tables))
  ON CONFLICT ON CONSTRAINT pk_webhook_cursors DO NOTHING`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the webhook and its cursors at the current heads, in one transaction; false when the solution is not the organization's. */
  async create(
    manager: EntityManager,
    hook: {
      id: string;
      organizationId: string;
      solutionId: string;
      url: string;
      tables: string[] | null;
      description: string;
      enabled: boolean;
      secret: string;
    },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO webhooks (id, solution_id, url, tables, description, enabled, secret)
       SELECT $1, s.id, $3, $4, $5, $6, $7 FROM solutions s WHERE s.id = $2 AND s.organization_id = $8
       RETURNING id`,
      [hook.id, hook.solutionId, hook.url, hook.tables, hook.description, hook.enabled, hook.secret, hook.organizationId],
    );
    if (rows.length === 0) return false;
    await manager.query(CURSORS_AT_HEAD, [hook.id]);
    return true;
  }

  async find(
    organizationId: string,
    solutionId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WebhookRow | undefined> {
    const rows: WebhookRow[] = await manager.query(
      `SELECT ${WEBHOOK} FROM webhooks w JOIN solutions s ON s.id = w.solution_id
        WHERE s.organization_id = $1 AND w.solution_id = $2 AND w.id = $3`,
      [organizationId, solutionId, id],
    );
    return rows[0];
  }

  /** Locks the webhook row for an update (PATCH, rotation). */
  async lock(manager: EntityManager, organizationId: string, solutionId: string, id: string): Promise<WebhookRow | undefined> {
    const rows: WebhookRow[] = await manager.query(
      `SELECT ${WEBHOOK} FROM webhooks w JOIN solutions s ON s.id = w.solution_id
        WHERE s.organization_id = $1 AND w.solution_id = $2 AND w.id = $3 FOR UPDATE OF w`,
      [organizationId, solutionId, id],
    );
    return rows[0];
  }

  /** Oldest first; `after` is the (created_at in microseconds, id) of the last one seen. */
  list(
    organizationId: string,
    solutionId: string,
    limit: number,
    after?: { createdUs: string; id: string },
  ): Promise<(WebhookRow & { created_us: string })[]> {
    return this.dataSource.query(
      `SELECT ${WEBHOOK}, ${MICROS('w.created_at')} AS created_us FROM webhooks w JOIN solutions s ON s.id = w.solution_id
        WHERE s.organization_id = $1 AND w.solution_id = $2
          AND ($3::bigint IS NULL OR (${MICROS('w.created_at')}::bigint, w.id) > ($3::bigint, $4::uuid))
        ORDER BY w.created_at, w.id LIMIT $5`,
      [organizationId, solutionId, after?.createdUs ?? null, after?.id ?? null, limit + 1],
    );
  }

  cursors(webhookIds: string[]): Promise<CursorRow[]> {
    if (webhookIds.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT c.webhook_id, t.name AS table, c.delivered_seq::text, t.head::text, c.attempts, c.failing_since, c.next_attempt_at
         FROM webhook_cursors c JOIN data_tables t ON t.id = c.table_id
        WHERE c.webhook_id = ANY($1::uuid[]) ORDER BY t.name COLLATE "C"`,
      [webhookIds],
    );
  }

  /**
   * Applies a PATCH to a locked webhook. A changed `tables` drops the cursors of tables no longer
   * covered and starts newly covered existing tables at their head. Re-enabling clears the reason
   * and makes failing cursors due now (their pending delivery is retried from attempt 1).
   */
  async update(
    manager: EntityManager,
    id: string,
    patch: { url?: string; tables?: string[] | null; description?: string; enabled?: boolean },
  ): Promise<void> {
    await manager.query(
      `UPDATE webhooks SET
         url = CASE WHEN $2::boolean THEN $3 ELSE url END,
         tables = CASE WHEN $4::boolean THEN $5::text[] ELSE tables END,
         description = CASE WHEN $6::boolean THEN $7 ELSE description END,
         enabled = COALESCE($8, enabled),
         disabled_reason = CASE WHEN $8 IS TRUE THEN NULL WHEN $8 IS FALSE THEN 'disabled by PATCH' ELSE disabled_reason END
       WHERE id = $1`,
      [
        id,
        patch.url !== undefined,
        patch.url ?? null,
        patch.tables !== undefined,
        patch.tables ?? null,
        patch.description !== undefined,
        patch.description ?? null,
        patch.enabled ?? null,
      ],
    );
    if (patch.tables !== undefined) {
      await manager.query(
        `DELETE FROM webhook_cursors c USING data_tables t, webhooks w
          WHERE c.webhook_id = $1 AND t.id = c.table_id AND w.id = c.webhook_id AND w.tables IS NOT NULL AND NOT (t.name = ANY(w.tables))`,
        [id],
      );
      await manager.query(CURSORS_AT_HEAD, [id]);
    }
    if (patch.enabled === true) {
      await manager.query('UPDATE webhook_cursors SET attempts = 0, next_attempt_at = now() WHERE webhook_id = $1 AND attempts > 0', [id]);
    }
  }

  async delete(organizationId: string, solutionId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM webhooks w USING solutions s
          WHERE s.id = w.solution_id AND s.organization_id = $1 AND w.solution_id = $2 AND w.id = $3 RETURNING w.id)
       SELECT id FROM gone`,
      [organizationId, solutionId, id],
    );
    return rows.length > 0;
  }

  /** The current secret becomes the previous one (still signed with until `previousUntil`). */
  async rotate(manager: EntityManager, id: string, secret: string, previousUntil: Date): Promise<void> {
    await manager.query('UPDATE webhooks SET previous_secret = secret, previous_expires_at = $3, secret = $2 WHERE id = $1', [
      id,
      secret,
      previousUntil,
    ]);
  }

  /**
   * Asks for the table's changes after `since` to be sent again, before newer ones: applied when the
   * cursor is next claimed (never under an in-flight delivery). Creates the cursor (at the head) when
   * the webhook covers the table but has none yet. False when the webhook does not cover the table.
   */
  async requestReplay(webhookId: string, tableId: string, since: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH covered AS (
         SELECT w.id, t.id AS table_id, t.head FROM webhooks w JOIN data_tables t ON t.solution_id = w.solution_id
          WHERE w.id = $1 AND t.id = $2 AND (w.tables IS NULL OR t.name = ANY(w.tables))),
       upserted AS (
         INSERT INTO webhook_cursors (webhook_id, table_id, delivered_seq, replay_since, next_attempt_at)
         SELECT id, table_id, head, $3, now() FROM covered
         ON CONFLICT ON CONSTRAINT pk_webhook_cursors
         DO UPDATE SET replay_since = LEAST(EXCLUDED.replay_since, COALESCE(webhook_cursors.replay_since, EXCLUDED.replay_since)),
                       next_attempt_at = now()
         RETURNING webhook_id)
       SELECT webhook_id FROM upserted`,
      [webhookId, tableId, since],
    );
    return rows.length > 0;
  }

  /**
   * Cursors for tables created after the webhook (no cursor yet, at least one change): from the
   * table's first change in the log. A table re-created under an old name continues its
   * predecessor's numbering (head starts at the old head, the log floor one above it), so "first"
   * is the log's lowest seq, not 1, and its cursor starts below the floor: one table.reset first. `tableIds` limits the
   * search (a ring), null means every table (the sweep).
   */
  async addCursorsForNewTables(tableIds: string[] | null): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH added AS (
         INSERT INTO webhook_cursors (webhook_id, table_id, delivered_seq)
         SELECT w.id, t.id, COALESCE((SELECT min(ch.seq) - 1 FROM changes ch WHERE ch.table_id = t.id), t.log_floor)
           FROM data_tables t JOIN webhooks w ON w.solution_id = t.solution_id
          WHERE ($1::bigint[] IS NULL OR t.id = ANY($1::bigint[]))
            AND (w.tables IS NULL OR t.name = ANY(w.tables)) AND t.head > 0 AND t.head >= t.log_floor
            AND NOT EXISTS (SELECT 1 FROM webhook_cursors c WHERE c.webhook_id = w.id AND c.table_id = t.id)
         ON CONFLICT ON CONSTRAINT pk_webhook_cursors DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
      [tableIds],
    );
    return (rows[0] as { n: number }).n;
  }

  /**
   * Claims up to `limit` due cursors of enabled webhooks for `leaseMs` (SKIP LOCKED: nodes never
   * claim the same cursor; a leased one is skipped until its lease runs out). A requested replay
   * is applied here, so it never races a delivery in flight.
   */
  claim(limit: number, leaseMs: number): Promise<ClaimedCursor[]> {
    return this.dataSource.query(
      `WITH due AS (
         SELECT c.webhook_id, c.table_id, t.log_floor FROM webhook_cursors c
           JOIN webhooks w ON w.id = c.webhook_id
           JOIN data_tables t ON t.id = c.table_id
          WHERE w.enabled AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
            AND (c.pending_to IS NOT NULL OR c.replay_since IS NOT NULL OR t.head > c.delivered_seq)
            AND (w.tables IS NULL OR t.name = ANY(w.tables))
          ORDER BY c.next_attempt_at
          LIMIT $1
          FOR UPDATE OF c SKIP LOCKED),
       claimed AS (
         UPDATE webhook_cursors c SET
           lease_until = now() + make_interval(secs => $2::double precision / 1000),
           lease_token = gen_random_uuid(),
           -- A replay reaches back only as far as the log does ("those still in the log").
           delivered_seq = CASE WHEN c.replay_since IS NULL THEN c.delivered_seq
                                ELSE LEAST(GREATEST(c.replay_since, due.log_floor), c.delivered_seq) END,
           pending_to = CASE WHEN c.replay_since IS NULL THEN c.pending_to END,
           pending_reset = c.pending_reset AND c.replay_since IS NULL,
           attempts = CASE WHEN c.replay_since IS NULL THEN c.attempts ELSE 0 END,
           replay_since = NULL
           FROM due WHERE c.webhook_id = due.webhook_id AND c.table_id = due.table_id
         RETURNING c.*)
       SELECT cl.webhook_id, cl.table_id::text, t.name AS table_name, s.organization_id, w.solution_id, w.url,
              w.secret, w.previous_secret, w.previous_expires_at, cl.delivered_seq::text, cl.pending_to::text,
              cl.pending_reset, cl.attempts, cl.lease_token, t.head::text, t.log_floor::text
         FROM claimed cl JOIN webhooks w ON w.id = cl.webhook_id JOIN data_tables t ON t.id = cl.table_id
         JOIN solutions s ON s.id = w.solution_id`,
      [limit, leaseMs],
    );
  }

  /** Remembers the batch in flight, so a retry — on any node, after any crash — sends exactly it again (same webhook-id). */
  async setPending(webhookId: string, tableId: string, leaseToken: string, pendingTo: number, reset: boolean): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH set AS (
         UPDATE webhook_cursors SET pending_to = $4, pending_reset = $5
          WHERE webhook_id = $1 AND table_id = $2 AND lease_token = $3 RETURNING 1)
       SELECT * FROM set`,
      [webhookId, tableId, leaseToken, pendingTo, reset],
    );
    return rows.length > 0;
  }

  /** The end of the batch that once delivered the changes from `fromSeq` on (so a replay sends the same batches, with the same ids). */
  async deliveredBatchEnd(webhookId: string, tableId: string, fromSeq: number): Promise<number | undefined> {
    const rows: { to_seq: string }[] = await this.dataSource.query(
      `SELECT to_seq::text FROM webhook_attempts
        WHERE webhook_id = $1 AND table_id = $2 AND from_seq = $3 AND kind = 'table.changed' AND status BETWEEN 200 AND 299
        ORDER BY at DESC LIMIT 1`,
      [webhookId, tableId, fromSeq],
    );
    return rows[0] ? Number(rows[0].to_seq) : undefined;
  }

  async recordAttempt(attempt: NewAttempt): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webhook_attempts (webhook_id, table_id, table_name, from_seq, to_seq, kind, attempt, status, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        attempt.webhookId,
        attempt.tableId,
        attempt.table,
        attempt.fromSeq,
        attempt.toSeq,
        attempt.kind,
        attempt.attempt,
        attempt.status,
        attempt.error,
        attempt.durationMs,
      ],
    );
  }

  /** The batch arrived: the cursor moves to its end and is free again. False when the lease was lost meanwhile. */
  async succeed(webhookId: string, tableId: string, leaseToken: string, toSeq: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH done AS (
         UPDATE webhook_cursors SET delivered_seq = $4, pending_to = NULL, pending_reset = false, attempts = 0,
                failing_since = NULL, next_attempt_at = now(), lease_until = NULL, lease_token = NULL
          WHERE webhook_id = $1 AND table_id = $2 AND lease_token = $3 RETURNING 1)
       SELECT * FROM done`,
      [webhookId, tableId, leaseToken, toSeq],
    );
    return rows.length > 0;
  }

  /**
   * The attempt failed: the batch stays pending, due again after `delayMs`; with `disableReason`
   * the webhook is disabled too (410 Gone, schedule exhausted) and nothing is skipped.
   */
  async fail(
    webhookId: string,
    tableId: string,
    leaseToken: string,
    attempts: number,
    delayMs: number,
    disableReason: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `WITH failed AS (
         UPDATE webhook_cursors SET attempts = $4, failing_since = COALESCE(failing_since, now()),
                next_attempt_at = now() + make_interval(secs => $5::double precision / 1000), lease_until = NULL, lease_token = NULL
          WHERE webhook_id = $1 AND table_id = $2 AND lease_token = $3 RETURNING webhook_id),
       disabled AS (
         UPDATE webhooks SET enabled = false, disabled_reason = $6
          WHERE $6::text IS NOT NULL AND id IN (SELECT webhook_id FROM failed) RETURNING id)
       SELECT (SELECT count(*) FROM failed) AS failed, (SELECT count(*) FROM disabled) AS disabled`,
      [webhookId, tableId, leaseToken, attempts, delayMs, disableReason],
    );
  }

  /** Gives a claimed cursor back untouched (shutdown mid-delivery): another node may take it at once. */
  async release(webhookId: string, tableId: string, leaseToken: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE webhook_cursors SET lease_until = NULL, lease_token = NULL WHERE webhook_id = $1 AND table_id = $2 AND lease_token = $3',
      [webhookId, tableId, leaseToken],
    );
  }

  /** Newest first; `before` is the (at in microseconds, id) of the last one seen. */
  listAttempts(webhookId: string, limit: number, before?: { atUs: string; id: string }): Promise<(AttemptRow & { at_us: string })[]> {
    return this.dataSource.query(
      `SELECT id, webhook_id, table_name, from_seq::text, to_seq::text, attempt, status, error, duration_ms, at, ${MICROS('at')} AS at_us
         FROM webhook_attempts
        WHERE webhook_id = $1 AND ($2::bigint IS NULL OR (${MICROS('at')}::bigint, id) < ($2::bigint, $3::uuid))
        ORDER BY at DESC, id DESC LIMIT $4`,
      [webhookId, before?.atUs ?? null, before?.id ?? null, limit + 1],
    );
  }

  /** Undelivered changes per webhook (head − deliveredSeq over its tables), for the lag gauge. */
  lag(): Promise<{ webhook_id: string; lag: string }[]> {
    return this.dataSource.query(
      `SELECT c.webhook_id, sum(GREATEST(t.head - c.delivered_seq, 0))::text AS lag
         FROM webhook_cursors c JOIN data_tables t ON t.id = c.table_id GROUP BY c.webhook_id`,
    );
  }

  /** Retention: attempts older than the cutoff, a batch at a time. */
  async purgeAttempts(cutoff: Date, batch: number): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE at < $1 ORDER BY at LIMIT $2) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, batch],
    );
    return rows[0].n;
  }
}
