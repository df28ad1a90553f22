import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { decodeCursor, DomainError, NotFoundError, Page, toPage } from '@tablecast/common';
import { regionConfig, RegionCode } from '@tablecast/config';
import { OrganizationRow, OrganizationsRepository } from './organizations.repository';

export interface OrganizationView {
  id: string;
  name: string;
  region: string;
  createdAt: string;
  updatedAt: string;
}

function toView(row: OrganizationRow): OrganizationView {
  return { id: row.id, name: row.name, region: row.region, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly repository: OrganizationsRepository,
    @Inject(regionConfig.KEY) private readonly regions: ConfigType<typeof regionConfig>,
  ) {}

  /** An organization lives in one region: another region's must be created at that region's deployment (421). */
  async create(name: string, region: RegionCode = this.regions.region): Promise<OrganizationView> {
    if (region !== this.regions.region) {
      const baseUrl = this.regions.baseUrls[region];
      throw new DomainError(
        'misdirected_request',
        baseUrl
          ? `Organizations of ${region} are created and served at ${baseUrl}; this deployment serves ${this.regions.region}.`
          : `Organizations of ${region} are served by that region's deployment (its base URL is not configured here); this deployment serves ${this.regions.region}.`,
        { body: { region, baseUrl } },
      );
    }
    return toView(await this.repository.insert(name, region));
  }

  async get(id: string): Promise<OrganizationView> {
    const row = await this.repository.find(id);
    if (!row) throw new NotFoundError('No such organization.');
    return toView(row);
  }

  async assertExists(id: string): Promise<void> {
    await this.get(id);
  }

  async list(limit: number, cursor?: string): Promise<Page<OrganizationView>> {
    const after = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.list(limit, after && { createdUs: String(after[0]), id: String(after[1]) });
    return toPage(rows, limit, toView, (row) => [row.created_us, row.id]);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.repository.delete(id))) throw new NotFoundError('No such organization.');
  }
}
