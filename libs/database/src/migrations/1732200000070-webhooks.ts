import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: the webhooks of a solution, one delivery cursor per (webhook, table) — the
 * unit of ordering, claimed with FOR UPDATE SKIP LOCKED and a lease — and the attempts log.
 */
export class Webhooks1732200000070 implements MigrationInterface {
  name = 'Webhooks1732200000070';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks (
        id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
        solution_id         uuid        NOT NULL,
        url                 text        NOT NULL,
        tables              text[],
        description         text        NOT NULL DEFAULT '',
        enabled             boolean     NOT NULL DEFAULT true,
        disabled_reason     text,
        secret              text        NOT NULL,
        previous_secret     text,
        previous_expires_at timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhooks PRIMARY KEY (id),
        CONSTRAINT fk_webhooks_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE
      )`);
    await db.query('CREATE INDEX ix_webhooks_solution_created ON webhooks (solution_id, created_at, id)');
    await db.query(`
      CREATE TABLE webhook_cursors (
        webhook_id      uuid        NOT NULL,
        table_id        bigint      NOT NULL,
        delivered_seq   bigint      NOT NULL,
        pending_to      bigint,
        pending_reset   boolean     NOT NULL DEFAULT false,
        replay_since    bigint,
        attempts        integer     NOT NULL DEFAULT 0,
        failing_since   timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until     timestamptz,
        lease_token     uuid,
        CONSTRAINT pk_webhook_cursors PRIMARY KEY (webhook_id, table_id),
        CONSTRAINT fk_webhook_cursors_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_cursors_table FOREIGN KEY (table_id) REFERENCES data_tables (id) ON DELETE CASCADE
      )`);
    await db.query('CREATE INDEX ix_webhook_cursors_table ON webhook_cursors (table_id)');
    await db.query('CREATE INDEX ix_webhook_cursors_due ON webhook_cursors (next_attempt_at)');
    await db.query(`
      CREATE TABLE webhook_attempts (
        id          uuid        NOT NULL DEFAULT gen_random_uuid(),
        webhook_id  uuid        NOT NULL,
        table_name  text        NOT NULL,
        table_id    bigint      NOT NULL,
        from_seq    bigint      NOT NULL,
        to_seq      bigint      NOT NULL,
        kind        text        NOT NULL,
        attempt     integer     NOT NULL,
        status      integer,
        error       text,
        duration_ms integer     NOT NULL,
        at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_attempts PRIMARY KEY (id),
        CONSTRAINT fk_webhook_attempts_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
        CONSTRAINT ck_webhook_attempts_kind CHECK (kind IN ('table.changed', 'table.reset'))
      )`);
    await db.query('CREATE INDEX ix_webhook_attempts_webhook_at ON webhook_attempts (webhook_id, at DESC, id DESC)');
    await db.query(
      'CREATE INDEX ix_webhook_attempts_delivered ON webhook_attempts (webhook_id, table_id, from_seq) WHERE status BETWEEN 200 AND 299',
    );
    await db.query('CREATE INDEX ix_webhook_attempts_at ON webhook_attempts (at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webhook_attempts');
    await db.query('DROP TABLE webhook_cursors');
    await db.query('DROP TABLE webhooks');
  }
}
