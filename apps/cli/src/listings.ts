import { INestApplicationContext } from '@nestjs/common';
import { AccessTokensService, AccessTokenView } from '@tablecast/auth';
import { Page } from '@tablecast/common';
import { TablesService, TableView } from '@tablecast/dynamic-data';
import { OrganizationsService, OrganizationView, SolutionsService, SolutionView } from '@tablecast/tenancy';
import { Column } from './output';

/** What a list command prints: every item (all pages), and how to show them as a table. */
export interface Listing<T> {
  items: T[];
  columns: Column<T>[];
  none: string;
}

const PAGE_SIZE = 1000;

async function everyPage<T>(page: (limit: number, cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(PAGE_SIZE, cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export async function listOrganizations(app: INestApplicationContext): Promise<Listing<OrganizationView>> {
  const organizations = app.get(OrganizationsService);
  return {
    items: await everyPage((limit, cursor) => organizations.list(limit, cursor)),
    columns: [
      { header: 'ID', value: (o) => o.id },
      { header: 'NAME', value: (o) => o.name },
      { header: 'REGION', value: (o) => o.region },
      { header: 'CREATED', value: (o) => o.createdAt },
    ],
    none: 'No organizations yet: npm run cli -- org create NAME',
  };
}

export async function listSolutions(app: INestApplicationContext, organizationId: string): Promise<Listing<SolutionView>> {
  const solutions = app.get(SolutionsService);
  await app.get(OrganizationsService).assertExists(organizationId);
  return {
    items: await everyPage((limit, cursor) => solutions.list(organizationId, limit, cursor)),
    columns: [
      { header: 'ID', value: (s) => s.id },
      { header: 'NAME', value: (s) => s.name },
      { header: 'CREATED', value: (s) => s.createdAt },
      { header: 'CDC URL', value: (s) => s.cdcUrl },
    ],
    none: 'No solutions in this organization: npm run cli -- solution create ORG NAME',
  };
}

export async function listTokens(app: INestApplicationContext, organizationId: string): Promise<Listing<AccessTokenView>> {
  const tokens = app.get(AccessTokensService);
  await app.get(OrganizationsService).assertExists(organizationId);
  return {
    items: await everyPage((limit, cursor) => tokens.list(organizationId, limit, cursor)),
    columns: [
      { header: 'ID', value: (t) => t.id },
      { header: 'NAME', value: (t) => t.name },
      { header: 'PREFIX', value: (t) => t.prefix },
      { header: 'SCOPES', value: (t) => t.scopes.join(',') },
      { header: 'EXPIRES', value: (t) => t.expiresAt },
      { header: 'REVOKED', value: (t) => t.revokedAt },
      { header: 'LAST USED', value: (t) => t.lastUsedAt },
    ],
    none: 'No tokens in this organization: npm run cli -- token create ORG NAME',
  };
}

export async function listTables(app: INestApplicationContext, organizationId: string, solutionId: string): Promise<Listing<TableView>> {
  const tables = app.get(TablesService);
  await app.get(SolutionsService).assertExists(organizationId, solutionId);
  return {
    items: await everyPage((limit, cursor) => tables.list(organizationId, solutionId, limit, cursor)),
    columns: [
      { header: 'NAME', value: (t) => t.name },
      { header: 'KEY FIELDS', value: (t) => t.keyFields?.join(',') },
      { header: 'ROWS', value: (t) => t.rowCount },
      { header: 'HEAD', value: (t) => t.head },
      { header: 'UPDATED', value: (t) => t.updatedAt },
    ],
    none: 'No tables in this solution yet (Acumatica notifications create them).',
  };
}

/** Organizations with the same name, ignoring case and surrounding spaces. */
export async function organizationsNamed(app: INestApplicationContext, name: string): Promise<OrganizationView[]> {
  const wanted = name.trim().toLowerCase();
  return (await listOrganizations(app)).items.filter((o) => o.name.trim().toLowerCase() === wanted);
}
