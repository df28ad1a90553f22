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

/** What locking a solution's tables for writing found. */
export interface LockedTables {
  /** False when the solution does not exist in the organization (nothing was locked). */
  solution: boolean;
  tables: TableRow[];
}

/** A table to create when missing, with its key fields. */
export interface NewTable {
  name: string;
  keyFields: string[] | null;
}

const COLUMNS = `t.id::text, t.solution_id, s.organization_id, t.name, t.key_fields, t.head::text, t.log_floor::text,
  t.row_count::text, t.created_at, t.updated_at`;

@Injectable()
export class TablesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    organizationId: string,
    solutionId: string,
    name: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<TableRow | undefined> {
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
   * The global lock order of every write: the solution row first (KEY SHARE: it cannot be deleted
   * until commit, and writers of one solution do not wait for each other), then the named tables'
   * catalog rows by id (FOR UPDATE: writers of one table queue here, so `head + 1 … head + n` are
   * handed out in commit order). The retention purge takes table rows in the same id order.
   * One statement: the existence check is the lock.
   */
  async lockForWrite(manager: EntityManager, organizationId: string, solutionId: string, names: string[]): Promise<LockedTables> {
    const rows: (Partial<TableRow> & { solution: boolean })[] = await manager.query(
      `WITH scope AS MATERIALIZED (
         SELECT s.id, s.organization_id FROM solutions s WHERE s.id = $1 AND s.organization_id = $2 FOR KEY SHARE),
       locked AS (
         SELECT t.id::text, t.solution_id, s.organization_id, t.name, t.key_fields, t.head::text, t.log_floor::text,
                t.row_count::text, t.created_at, t.updated_at
           FROM data_tables t JOIN scope s ON s.id = t.solution_id
          WHERE t.name = ANY($3::text[])
          ORDER BY t.id FOR UPDATE OF t)
       SELECT EXISTS (SELECT 1 FROM scope) AS solution, l.* FROM (SELECT 1) AS one LEFT JOIN locked l ON true`,
      [solutionId, organizationId, names],
    );
    const solution = rows[0]?.solution ?? false;
    return {
      solution,
      tables: rows.filter((row) => row.id !== null && row.id !== undefined).map(({ solution: _, ...row }) => row as TableRow),
    };
  }

  /**
   * Takes the solution's catalog lock (NO KEY UPDATE: creators of tables in one solution queue here,
   * so the table limit holds; writers, who take KEY SHARE, are not held up). False when the
   * solution does not exist in the organization.
   */
  async lockCatalog(manager: EntityManager, organizationId: string, solutionId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM solutions WHERE id = $1 AND organization_id = $2 FOR NO KEY UPDATE', [
      solutionId,
      organizationId,
    ]);
    return rows.length > 0;
  }

  /**
   * Creates the tables that do not exist yet, unless the solution would then hold more than `limit`
   * tables; the caller holds the catalog lock, so the count is exact. Returns the names created
   * (none when over the limit; `allowed` stays true when nothing was left to create, e.g. after the
   * limit was lowered) and the solution's table count with them.
   */
  async createMissing(
    manager: EntityManager,
    solutionId: string,
    tables: NewTable[],
    limit: number,
  ): Promise<{ allowed: boolean; created: string[]; count: number }> {
    const rows: { allowed: boolean; created: string[]; count: number }[] = await manager.query(
      `WITH wanted AS (
         SELECT x.name, x.key_fields FROM jsonb_to_recordset($2::jsonb) AS x(name text, key_fields text[])),
       fresh AS (
         SELECT w.* FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM data_tables t WHERE t.solution_id = $1 AND t.name = w.name)),
       room AS (
         SELECT (SELECT count(*) FROM data_tables WHERE solution_id = $1) AS existing, (SELECT count(*) FROM fresh) AS adding),
       created AS (
         INSERT INTO data_tables (solution_id, name, key_fields)
         SELECT $1, f.name, f.key_fields FROM fresh f, room r WHERE r.existing + r.adding <= $3 ORDER BY f.name
         ON CONFLICT ON CONSTRAINT uq_data_tables_solution_name DO NOTHING RETURNING name)
       SELECT r.adding = 0 OR r.existing + r.adding <= $3 AS allowed, ARRAY(SELECT name FROM created) AS created,
              (r.existing + r.adding)::int AS count
         FROM room r`,
      [solutionId, JSON.stringify(tables.map((t) => ({ name: t.name, key_fields: t.keyFields }))), limit],
    );
    return rows[0];
  }
}
