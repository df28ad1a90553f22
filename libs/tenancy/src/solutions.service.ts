import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ConflictError, decodeCursor, NotFoundError, Page, toPage } from '@tablecast/common';
import { regionConfig } from '@tablecast/config';
import { OrganizationsService } from './organizations.service';
import { SolutionRow, SolutionsRepository } from './solutions.repository';

export interface SolutionView {
  id: string;
  organizationId: string;
  name: string;
  /** Ready to paste into Acumatica's push notification destination; append the table name. */
  cdcUrl: string;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class SolutionsService {
  constructor(
    private readonly repository: SolutionsRepository,
    private readonly organizations: OrganizationsService,
    @Inject(regionConfig.KEY) private readonly regions: ConfigType<typeof regionConfig>,
  ) {}

  private toView(row: SolutionRow): SolutionView {
    return {
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      cdcUrl: `${this.regions.publicBaseUrl}/tool/organizations/${row.organization_id}/solutions/${row.id}/acumatica/cdc?table=`,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async create(organizationId: string, name: string): Promise<SolutionView> {
    await this.organizations.assertExists(organizationId);
    const row = await this.repository.insert(organizationId, name);
    if (!row) throw new ConflictError(`A solution named ${JSON.stringify(name)} already exists in this organization.`);
    return this.toView(row);
  }

  async get(organizationId: string, id: string): Promise<SolutionView> {
    const row = await this.repository.find(organizationId, id);
    if (!row) throw new NotFoundError('No such solution in this organization.');
    return this.toView(row);
  }

  /** For other libs: throws 404 unless the solution exists in the organization. */
  async assertExists(organizationId: string, id: string): Promise<void> {
    await this.get(organizationId, id);
  }

  async list(organizationId: string, limit: number, cursor?: string): Promise<Page<SolutionView>> {
    await this.organizations.assertExists(organizationId);
    const after = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.list(organizationId, limit, after && { createdUs: String(after[0]), id: String(after[1]) });
    return toPage(rows, limit, (row) => this.toView(row), (row) => [row.created_us, row.id]);
  }

  /** Its tables, records and changes go with it, in one transaction. */
  async delete(organizationId: string, id: string): Promise<void> {
    if (!(await this.repository.delete(organizationId, id))) throw new NotFoundError('No such solution in this organization.');
  }
}
