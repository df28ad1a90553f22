import { MigrationInterface, QueryRunner } from 'typeorm';

/** Instance-wide settings (e.g. the hash of a generated operator token). */
export class Settings1732200000000 implements MigrationInterface {
  name = 'Settings1732200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE settings (
        key        text        NOT NULL,
        value      jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_settings PRIMARY KEY (key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE settings');
  }
}
