import { MigrationInterface, QueryRunner } from 'typeorm';

/** Acumatica ingestion: dedupe marks (exactly-once effect) and the per-solution delivery audit. */
export class Acumatica1732200000003 implements MigrationInterface {
  name = 'Acumatica1732200000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cdc_dedupe (
        solution_id uuid        NOT NULL,
        digest      bytea       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_cdc_dedupe PRIMARY KEY (solution_id, digest),
        CONSTRAINT fk_cdc_dedupe_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE
      )`);
    await db.query('CREATE INDEX ix_cdc_dedupe_created ON cdc_dedupe (created_at)');
    await db.query(`
      CREATE TABLE cdc_deliveries (
        id              bigint      GENERATED ALWAYS AS IDENTITY,
        solution_id     uuid        NOT NULL,
        received_at     timestamptz NOT NULL,
        status          int         NOT NULL,
        duplicate       boolean     NOT NULL DEFAULT false,
        company_id      text,
        query           text,
        notification_id text,
        time_stamp      text,
        table_param     text,
        rows            int         NOT NULL DEFAULT 0,
        duration_ms     int         NOT NULL,
        receipt         jsonb,
        error           jsonb,
        CONSTRAINT pk_cdc_deliveries PRIMARY KEY (id),
        CONSTRAINT fk_cdc_deliveries_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE
      )`);
    await db.query('CREATE INDEX ix_cdc_deliveries_solution ON cdc_deliveries (solution_id, id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE cdc_deliveries');
    await db.query('DROP TABLE cdc_dedupe');
  }
}
