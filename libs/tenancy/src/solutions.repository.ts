import { Injectable } from '@nestjs/common';
import { CREATED_US, FROM_US } from '@tablecast/database';
import { DataSource } from 'typeorm';

export interface SolutionRow {
  id: string;
  organization_id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  created_us: string;
}

const COLUMNS = `id, organization_id, name, created_at, updated_at, ${CREATED_US} AS created_us`;

@Injectable()
export class SolutionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Undefined when the name is taken in the organization. */
  async insert(organizationId: string, name: string): Promise<SolutionRow | undefined> {
    const rows: SolutionRow[] = await this.dataSource.query(
      `INSERT INTO solutions (organization_id, name) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT uq_solutions_organization_name DO NOTHING RETURNING ${COLUMNS}`,
      [organizationId, name],
    );
    return rows[0];
  }

  async find(organizationId: string, id: string): Promise<SolutionRow | undefined> {
    const rows: SolutionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM solutions WHERE organization_id = $1 AND id = $2`,
      [organizationId, id],
    );
    return rows[0];
  }

  async list(organizationId: string, limit: number, after?: { createdUs: string; id: string }): Promise<SolutionRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM solutions
        WHERE organization_id = $1 AND ($2::bigint IS NULL OR (created_at, id) > (${FROM_US('$2')}, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [organizationId, after?.createdUs ?? null, after?.id ?? null, limit + 1],
    );
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('WITH deleted AS (DELETE FROM solutions WHERE organization_id = $1 AND id = $2 RETURNING id) SELECT id FROM deleted', [
      organizationId,
      id,
    ]);
    return rows.length > 0;
  }
}
