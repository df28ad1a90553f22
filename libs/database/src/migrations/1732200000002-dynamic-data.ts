import { MigrationInterface, QueryRunner } from 'typeorm';

const PARTITIONS = 16;

/**
 * Dynamic Data: a catalog of per-solution tables (no DDL per user table), their records as JSONB
 * and a per-table change log. Records and changes are hash-partitioned by table so one huge
 * table's indexes, vacuum and purges stay out of the others' way (see README, "Storage").
 */
export class DynamicData1732200000002 implements MigrationInterface {
  name = 'DynamicData1732200000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE data_tables (
        id          bigint      GENERATED ALWAYS AS IDENTITY,
        solution_id uuid        NOT NULL,
        name        text        NOT NULL,
        key_fields  text[],
        head        bigint      NOT NULL DEFAULT 0,
        log_floor   bigint      NOT NULL DEFAULT 0,
        row_count   bigint      NOT NULL DEFAULT 0,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_data_tables PRIMARY KEY (id),
        CONSTRAINT fk_data_tables_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE,
        CONSTRAINT uq_data_tables_solution_name UNIQUE (solution_id, name),
        CONSTRAINT ck_data_tables_name CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
      )`);
    await db.query(`
      CREATE TABLE records (
        table_id    bigint      NOT NULL,
        id          text        COLLATE "C" NOT NULL,
        data        jsonb       NOT NULL,
        deleted     boolean     NOT NULL DEFAULT false,
        seq         bigint      NOT NULL,
        source_ts   bigint,
        modified_at timestamptz NOT NULL,
        CONSTRAINT pk_records PRIMARY KEY (table_id, id),
        CONSTRAINT fk_records_table FOREIGN KEY (table_id) REFERENCES data_tables (id) ON DELETE CASCADE
      ) PARTITION BY HASH (table_id)`);
    await db.query(`
      CREATE TABLE changes (
        table_id    bigint      NOT NULL,
        seq         bigint      NOT NULL,
        op          text        NOT NULL,
        record_id   text        COLLATE "C" NOT NULL,
        data        jsonb,
        modified_at timestamptz NOT NULL,
        CONSTRAINT pk_changes PRIMARY KEY (table_id, seq),
        CONSTRAINT fk_changes_table FOREIGN KEY (table_id) REFERENCES data_tables (id) ON DELETE CASCADE,
        CONSTRAINT ck_changes_op CHECK (op IN ('insert', 'update', 'delete'))
      ) PARTITION BY HASH (table_id)`);
    for (let i = 0; i < PARTITIONS; i++) {
      await db.query(`CREATE TABLE records_p${i} PARTITION OF records FOR VALUES WITH (MODULUS ${PARTITIONS}, REMAINDER ${i})`);
      await db.query(`CREATE TABLE changes_p${i} PARTITION OF changes FOR VALUES WITH (MODULUS ${PARTITIONS}, REMAINDER ${i})`);
    }
    await db.query('CREATE INDEX ix_records_data ON records USING gin (data jsonb_path_ops)');
    await db.query('CREATE INDEX ix_records_tombstones ON records (modified_at) WHERE deleted');
    await db.query('CREATE INDEX ix_changes_modified_at ON changes (modified_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE changes');
    await db.query('DROP TABLE records');
    await db.query('DROP TABLE data_tables');
  }
}
