import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acumatica pull: connections of a solution (secrets sealed with SECRETS_KEY), one source per
 * table (a Generic Inquiry), and reloads. At most one reload per table is queued or running: the
 * partial unique index enforces it across nodes. pg-boss installs its own schema at start.
 */
export class AcumaticaPull1732200000080 implements MigrationInterface {
  name = 'AcumaticaPull1732200000080';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE acumatica_connections (
        id            uuid        NOT NULL,
        solution_id   uuid        NOT NULL,
        name          text        NOT NULL,
        instance_url  text        NOT NULL,
        tenant        text        NOT NULL,
        client_id     text        NOT NULL,
        client_secret text        NOT NULL,
        username      text        NOT NULL,
        password      text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_acumatica_connections PRIMARY KEY (id),
        CONSTRAINT uq_acumatica_connections_name UNIQUE (solution_id, name),
        CONSTRAINT fk_acumatica_connections_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE TABLE acumatica_sources (
        table_id        bigint      NOT NULL,
        connection_id   uuid        NOT NULL,
        generic_inquiry text        NOT NULL,
        field_map       jsonb       NOT NULL DEFAULT '{}'::jsonb,
        every_minutes   integer,
        next_run_at     timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_acumatica_sources PRIMARY KEY (table_id),
        CONSTRAINT fk_acumatica_sources_table FOREIGN KEY (table_id) REFERENCES data_tables (id) ON DELETE CASCADE,
        CONSTRAINT fk_acumatica_sources_connection FOREIGN KEY (connection_id) REFERENCES acumatica_connections (id),
        CONSTRAINT ck_acumatica_sources_every CHECK (every_minutes IS NULL OR every_minutes >= 5)
      )`);
    await db.query('CREATE INDEX ix_acumatica_sources_connection ON acumatica_sources (connection_id)');
    await db.query('CREATE INDEX ix_acumatica_sources_due ON acumatica_sources (next_run_at) WHERE next_run_at IS NOT NULL');
    await db.query(`
      CREATE TABLE acumatica_reloads (
        id          uuid        NOT NULL,
        table_id    bigint      NOT NULL,
        mode        text        NOT NULL,
        status      text        NOT NULL DEFAULT 'queued',
        created_at  timestamptz NOT NULL DEFAULT now(),
        started_at  timestamptz,
        finished_at timestamptz,
        pages       integer     NOT NULL DEFAULT 0,
        rows_read   bigint      NOT NULL DEFAULT 0,
        result      jsonb,
        error       jsonb,
        attempts    integer     NOT NULL DEFAULT 0,
        CONSTRAINT pk_acumatica_reloads PRIMARY KEY (id),
        CONSTRAINT fk_acumatica_reloads_table FOREIGN KEY (table_id) REFERENCES data_tables (id) ON DELETE CASCADE,
        CONSTRAINT ck_acumatica_reloads_mode CHECK (mode IN ('full', 'compare')),
        CONSTRAINT ck_acumatica_reloads_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
      )`);
    await db.query("CREATE UNIQUE INDEX uq_acumatica_reloads_active ON acumatica_reloads (table_id) WHERE status IN ('queued', 'running')");
    await db.query('CREATE INDEX ix_acumatica_reloads_table_created ON acumatica_reloads (table_id, created_at DESC, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE acumatica_reloads');
    await db.query('DROP TABLE acumatica_sources');
    await db.query('DROP TABLE acumatica_connections');
  }
}
