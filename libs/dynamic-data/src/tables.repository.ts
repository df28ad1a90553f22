import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface TableRow {
  id: string;
  solution_id: string;
  organization_id: string;
  name: string;
  key_fields: string[] | null;
  head: string;
  log_floor: string;
  row_count: string;
  created_at: Date;
  updated_at: Date;
}

/** A table locked for writing in the current transaction, with the time its changes commit under. */
export interface LockedTable extends TableRow {
  now: Date;
}

const COLUMNS = `t.id::text, t.solution_id, s.organization_id, t.name, t.key_fields, t.head::text, t.log_floor::text,
  t.row_count::text, t.created_at, t.updated_at`;

@Injectable()
export class TablesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Undefined when the name is taken in the solution. */
  async insert(solutionId: string, name: string, keyFields: string[] | null): Promise<TableRow | undefined> {
    const rows: TableRow[] = await this.dataSource.query(
      `WITH t AS (
         INSERT INTO data_tables (solution_id, name, key_fields) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT uq_data_tables_solution_name DO NOTHING RETURNING *)
       SELECT ${COLUMNS} FROM t JOIN solutions s ON s.id = t.solution_id`,
      [solutionId, name, keyFields],
    );
    return rows[0];
  }

  async find(organizationId: string, solutionId: string, name: string, manager: EntityManager = this.dataSource.manager): Promise<TableRow | undefined> {
    const rows: TableRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM data_tables t JOIN solutions s ON s.id = t.solution_id
        WHERE s.organization_id = $1 AND t.solution_id = $2 AND t.name = $3`,
      [organizationId, solutionId, name],
    );
    return rows[0];
  }

  async list(organizationId: string, solutionId: string, limit: number, afterName?: string): Promise<TableRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM data_tables t JOIN solutions s ON s.id = t.solution_id
        WHERE s.organization_id = $1 AND t.solution_id = $2 AND ($3::text IS NULL OR t.name COLLATE "C" > $3)
        ORDER BY t.name COLLATE "C" LIMIT $4`,
      [organizationId, solutionId, afterName ?? null, limit + 1],
    );
  }

  async setKeyFields(id: string, keyFields: string[] | null): Promise<void> {
    await this.dataSource.query('UPDATE data_tables SET key_fields = $2, updated_at = now() WHERE id = $1', [id, keyFields]);
  }

  /** Its records and changes go with it (foreign keys cascade). */
  async delete(id: string): Promise<void> {
    await this.dataSource.query('DELETE FROM data_tables WHERE id = $1', [id]);
  }

  /**
   * Locks the table's catalog row until the transaction ends, creating the table first when asked.
   * Writers of one table queue here, so `head + 1 … head + n` are handed out in commit order.
   */
  async lockForWrite(
    manager: EntityManager,
    solutionId: string,
    name: string,
    create?: { keyFields: string[] | null },
  ): Promise<LockedTable | undefined> {
    const lock = (): Promise<LockedTable[]> =>
      manager.query(
        `SELECT ${COLUMNS}, clock_timestamp() AS now FROM data_tables t JOIN solutions s ON s.id = t.solution_id
          WHERE t.solution_id = $1 AND t.name = $2 FOR UPDATE OF t`,
        [solutionId, name],
      );
    let rows = await lock();
    if (rows.length === 0 && create) {
      // First write to a new table: create it (a concurrent creator makes this a no-op), then lock it.
      await manager.query(
        `INSERT INTO data_tables (solution_id, name, key_fields) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT uq_data_tables_solution_name DO NOTHING`,
        [solutionId, name, create.keyFields],
      );
      rows = await lock();
    }
    return rows[0];
  }
}
