import { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations, their solutions and personal access tokens. Deleting an organization cascades. */
export class Tenancy1732200000001 implements MigrationInterface {
  name = 'Tenancy1732200000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id         uuid        NOT NULL DEFAULT gen_random_uuid(),
        name       text        NOT NULL,
        region     text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_organizations PRIMARY KEY (id)
      )`);
    await db.query(`CREATE INDEX ix_organizations_created ON organizations (created_at, id)`);
    await db.query(`
      CREATE TABLE solutions (
        id              uuid        NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid        NOT NULL,
        name            text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_solutions PRIMARY KEY (id),
        CONSTRAINT fk_solutions_organization FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT uq_solutions_organization_name UNIQUE (organization_id, name)
      )`);
    await db.query(`CREATE INDEX ix_solutions_organization_created ON solutions (organization_id, created_at, id)`);
    await db.query(`
      CREATE TABLE access_tokens (
        id              uuid        NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid        NOT NULL,
        name            text        NOT NULL,
        token_hash      bytea       NOT NULL,
        prefix          text        NOT NULL,
        scopes          text[]      NOT NULL,
        expires_at      timestamptz,
        revoked_at      timestamptz,
        last_used_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_access_tokens PRIMARY KEY (id),
        CONSTRAINT fk_access_tokens_organization FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT uq_access_tokens_hash UNIQUE (token_hash)
      )`);
    await db.query(`CREATE INDEX ix_access_tokens_organization_created ON access_tokens (organization_id, created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE access_tokens');
    await db.query('DROP TABLE solutions');
    await db.query('DROP TABLE organizations');
  }
}
