import { Injectable } from '@nestjs/common';
import { ChangesRepository } from './changes.repository';
import { TablesService } from './tables.service';
import { ChangeView, toChangeView } from './views';

export type ChangesPage = { items: ChangeView[]; head: number } | { reset: true; head: number };

@Injectable()
export class ChangesService {
  constructor(
    private readonly tables: TablesService,
    private readonly changes: ChangesRepository,
  ) {}

  /** Changes after `since`, in seq order; `reset` when the log no longer reaches back to `since`. */
  async since(organizationId: string, solutionId: string, table: string, since: number, limit: number): Promise<ChangesPage> {
    const row = await this.tables.require(organizationId, solutionId, table);
    return this.read(row.id, since, limit);
  }

  /** Current heads of the given tables (by id). */
  heads(tableIds: string[]): Promise<Map<string, number>> {
    return this.changes.heads(tableIds);
  }

  async read(tableId: string, since: number, limit: number, upTo?: number): Promise<ChangesPage> {
    const position = await this.changes.position(tableId);
    const head = position?.head ?? 0;
    if (since < (position?.floor ?? 0)) return { reset: true, head };
    const rows = await this.changes.readSince(tableId, since, limit, upTo);
    return { items: rows.map(toChangeView), head };
  }
}
