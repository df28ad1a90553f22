import { Injectable } from '@nestjs/common';
import { CREATED_US, FROM_US } from '@tablecast/database';
import { DataSource } from 'typeorm';

export interface OrganizationRow {
  id: string;
  name: string;
  region: string;
  created_at: Date;
  updated_at: Date;
  created_us: string;
}

const COLUMNS = `id, name, region, created_at, updated_at, ${CREATED_US} AS created_us`;

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(name: string, region: string): Promise<OrganizationRow> {
    const rows: OrganizationRow[] = await this.dataSource.query(
      `INSERT INTO organizations (name, region) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [name, region],
    );
    return rows[0];
  }

  async find(id: string): Promise<OrganizationRow | undefined> {
    const rows: OrganizationRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM organizations WHERE id = $1`, [id]);
    return rows[0];
  }

  async list(limit: number, after?: { createdUs: string; id: string }): Promise<OrganizationRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM organizations
        WHERE $1::bigint IS NULL OR (created_at, id) > (${FROM_US('$1')}, $2::uuid)
        ORDER BY created_at, id LIMIT $3`,
      [after?.createdUs ?? null, after?.id ?? null, limit + 1],
    );
  }

  /** Everything in it (solutions, tables, records, changes, tokens) goes with it: one statement, one transaction. */
  async delete(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('WITH deleted AS (DELETE FROM organizations WHERE id = $1 RETURNING id) SELECT id FROM deleted', [id]);
    return rows.length > 0;
  }
}
