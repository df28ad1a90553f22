import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@tablecast/common';
import { ChangesRepository } from './changes.repository';
import { TablesService } from './tables.service';
import { ChangeView, toChangeView } from './views';

export type ChangesPage = { items: ChangeView[]; head: number } | { reset: true; head: number };

/** Where a table stands, found by id or by (solution, name). */
export interface TablePositionView {
  tableId: string;
  solutionId: string;
  table: string;
  head: number;
}

@Injectable()
export class ChangesService {
  constructor(
    private readonly tables: TablesService,
    private readonly changes: ChangesRepository,
  ) {}

  /** Changes after `since`, in seq order; `reset` when the log no longer reaches back to `since`. */
  async since(organizationId: string, solutionId: string, table: string, since: number, limit: number): Promise<ChangesPage> {
    const row = await this.tables.require(organizationId, solutionId, table);
    const page = await this.read(row.id, since, limit);
    // Deleted between the two reads: as if it had been deleted just before.
    if (!page) throw new NotFoundError(`No table named ${JSON.stringify(table)} in this solution.`);
    return page;
  }

  /**
   * One snapshot: `head` ≥ every seq in `items`, and a purge cannot open a gap (it answers reset).
   * Undefined when the table no longer exists.
   */
  async read(tableId: string, since: number, limit: number, upTo?: number): Promise<ChangesPage | undefined> {
    const page = await this.changes.readPage(tableId, since, limit, upTo);
    if (!page) return undefined;
    if (since < page.floor) return { reset: true, head: page.head };
    return { items: page.rows.map(toChangeView), head: page.head };
  }

  /** One query: tables by id and by (solution, name); those that do not exist are absent. */
  async positions(tableIds: string[], names: { solutionId: string; table: string }[]): Promise<TablePositionView[]> {
    const rows = await this.changes.positions(tableIds, names);
    return rows.map((row) => ({ tableId: row.id, solutionId: row.solution_id, table: row.name, head: Number(row.head) }));
  }
}
