import { Injectable } from '@nestjs/common';
import { decodeCursor, NotFoundError, Page, toPage } from '@tablecast/common';
import { SolutionsService } from '@tablecast/tenancy';
import { DataWriter } from './data-writer';
import { TableRow, TablesRepository } from './tables.repository';
import { TableView, toTableView } from './views';

@Injectable()
export class TablesService {
  constructor(
    private readonly tables: TablesRepository,
    private readonly solutions: SolutionsService,
    private readonly writer: DataWriter,
  ) {}

  /** The table, or 404 naming what is missing (solution or table). */
  async require(organizationId: string, solutionId: string, name: string): Promise<TableRow> {
    const row = await this.tables.find(organizationId, solutionId, name);
    if (row) return row;
    await this.solutions.assertExists(organizationId, solutionId);
    throw new NotFoundError(`No table named ${JSON.stringify(name)} in this solution.`);
  }

  /** The table when it exists, undefined when it does not yet (404 when the solution does not). */
  async find(organizationId: string, solutionId: string, name: string): Promise<TableRow | undefined> {
    const row = await this.tables.find(organizationId, solutionId, name);
    if (!row) await this.solutions.assertExists(organizationId, solutionId);
    return row;
  }

  async create(organizationId: string, solutionId: string, name: string, keyFields: string[] | null): Promise<TableView> {
    return toTableView(await this.writer.createTable({ organizationId, solutionId }, name, keyFields));
  }

  async get(organizationId: string, solutionId: string, name: string): Promise<TableView> {
    return toTableView(await this.require(organizationId, solutionId, name));
  }

  async list(organizationId: string, solutionId: string, limit: number, cursor?: string): Promise<Page<TableView>> {
    await this.solutions.assertExists(organizationId, solutionId);
    const after = cursor ? String(decodeCursor(cursor, ['string'])[0]) : undefined;
    const rows = await this.tables.list(organizationId, solutionId, limit, after);
    return toPage(rows, limit, toTableView, (row) => [row.name]);
  }

  async setKeyFields(organizationId: string, solutionId: string, name: string, keyFields: string[] | null): Promise<TableView> {
    const row = await this.require(organizationId, solutionId, name);
    await this.tables.setKeyFields(row.id, keyFields);
    return this.get(organizationId, solutionId, name);
  }

  async delete(organizationId: string, solutionId: string, name: string): Promise<void> {
    const row = await this.require(organizationId, solutionId, name);
    await this.tables.delete(row.id);
  }
}
