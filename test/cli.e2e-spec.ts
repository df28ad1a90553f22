import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, HttpClient, TestDatabase } from '@tablecast/testing';
import { bootTestApp, TestApp } from './support/test-app';

const CLI = join(__dirname, '../dist/apps/cli/src/main.js');

describe('operator CLI against a real database', () => {
  let database: TestDatabase;
  let t: TestApp;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, DATABASE_URL: database.url, ADMIN_TOKEN: 'cli-test-operator-token-0123456789abcdef' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false }); // the CLI migrates it
  });
  afterAll(async () => {
    await t?.close();
    await database.drop();
  });

  it('bootstraps without curl: migrate, org, solution, token that works over HTTP, revoke', async () => {
    const migrate = await cli('migrate');
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout).applied).toEqual(expect.any(Array));
    t = await bootTestApp({ database });

    const org = await cli('org', 'create', 'Acme Field Service');
    expect(org.code).toBe(0);
    const orgId = JSON.parse(org.stdout).id as string;
    expect(JSON.parse(org.stdout)).toMatchObject({ name: 'Acme Field Service', region: 'us-east-1' });

    const solution = await cli('solution', 'create', orgId, 'Service orders');
    expect(solution.code).toBe(0);
    expect(JSON.parse(solution.stdout).cdcUrl).toContain(`/tool/organizations/${orgId}/solutions/`);

    const token = await cli('token', 'create', orgId, 'phones', '--scopes', 'data:read,cdc:push', '--expires', '2099-01-01T00:00:00Z');
    expect(token.code).toBe(0);
    const created = JSON.parse(token.stdout) as { id: string; token: string; scopes: string[]; expiresAt: string };
    expect(created.scopes).toEqual(['data:read', 'cdc:push']);
    expect(created.expiresAt).toBe('2099-01-01T00:00:00.000Z');

    const phone = new HttpClient(t.api, created.token);
    expect((await phone.get(`/tool/organizations/${orgId}/solutions`)).status).toBe(200);

    const revoke = await cli('token', 'revoke', orgId, created.id);
    expect(revoke.code).toBe(0);
    await new Promise((done) => setTimeout(done, 3200)); // the serving app's token cache (TOKEN_CACHE_MS 3000)
    expect((await phone.get(`/tool/organizations/${orgId}/solutions`)).status).toBe(401);
  });

  it('rejects bad arguments with one line naming the argument and exit code 1', async () => {
    const oneLine = (stderr: string) => {
      const lines = stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      return lines[0];
    };
    const noName = await cli('org', 'create', '');
    expect(noName.code).toBe(1);
    expect(oneLine(noName.stderr)).toBe('error: NAME: must be longer than or equal to 1 characters');
    const badScope = await cli('token', 'create', '00000000-0000-4000-8000-000000000000', 'x', '--scopes', 'root');
    expect(badScope.code).toBe(1);
    expect(oneLine(badScope.stderr)).toMatch(/^error: --scopes: /);
    const badExpiry = await cli('token', 'create', '00000000-0000-4000-8000-000000000000', 'x', '--expires', 'soon');
    expect(badExpiry.code).toBe(1);
    expect(oneLine(badExpiry.stderr)).toMatch(/^error: --expires: /);
    const unknownOrg = await cli('solution', 'create', '00000000-0000-4000-8000-000000000000', 'x');
    expect(unknownOrg.code).toBe(1);
    expect(oneLine(unknownOrg.stderr)).toBe('error: No such organization.');
    const unknownOrgJson = await cli('solution', 'list', '00000000-0000-4000-8000-000000000000', '--json');
    expect(unknownOrgJson.code).toBe(1);
    expect(JSON.parse(unknownOrgJson.stderr)).toMatchObject({ status: 404 });
    for (const args of [
      ['token', 'revoke', 'acme', 'x'],
      ['solution', 'list', 'acme'],
      ['token', 'list', 'acme'],
      ['table', 'list', 'acme', '00000000-0000-4000-8000-000000000000'],
    ]) {
      const notUuid = await cli(...args);
      expect(notUuid.code).toBe(1);
      expect(oneLine(notUuid.stderr)).toBe('error: ORG: not a UUID (got "acme")');
    }
    const notSol = await cli('table', 'list', '00000000-0000-4000-8000-000000000000', 'sol');
    expect(oneLine(notSol.stderr)).toBe('error: SOL: not a UUID (got "sol")');
    const missing = await cli('solution', 'create', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toBe("error: missing required argument 'NAME'");
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage');
  });

  it('--help on every command, without a database', async () => {
    const commands = [
      [],
      ['migrate'],
      ['org'],
      ['org', 'create'],
      ['org', 'list'],
      ['solution', 'create'],
      ['solution', 'list'],
      ['token', 'create'],
      ['token', 'list'],
      ['token', 'revoke'],
      ['table', 'list'],
      ['admin-token', 'rotate'],
    ];
    for (const command of commands) {
      const help = await cli(...command, '--help');
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain(`Usage: npm run cli -- ${command.join(' ')}`.trimEnd());
    }
  });

  it('lists organizations, solutions, tokens and tables as a table, or JSON with --json; warns about a duplicate name', async () => {
    t ??= await bootTestApp({ database });
    const org = await cli('org', 'create', 'Listed Org');
    expect(org.stderr).toBe('');
    const orgId = JSON.parse(org.stdout).id as string;
    const again = await cli('org', 'create', 'listed org');
    expect(again.code).toBe(0);
    expect(again.stderr.trim()).toBe(`warning: an organization named "listed org" already existed (${orgId}); this is another one`);

    const orgs = await cli('org', 'list');
    expect(orgs.code).toBe(0);
    const [header, ...rows] = orgs.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+REGION\s+CREATED$/);
    expect(rows.some((row) => row.startsWith(orgId) && row.includes('Listed Org') && row.includes('us-east-1'))).toBe(true);
    const orgsJson = JSON.parse((await cli('org', 'list', '--json')).stdout) as { id: string; name: string }[];
    expect(orgsJson).toEqual(expect.arrayContaining([expect.objectContaining({ id: orgId, name: 'Listed Org' })]));

    expect((await cli('solution', 'list', orgId)).stdout.trim()).toBe('No solutions in this organization: npm run cli -- solution create ORG NAME');
    const solId = JSON.parse((await cli('solution', 'create', orgId, 'Field service')).stdout).id as string;
    const solutions = await cli('solution', 'list', orgId);
    expect(solutions.stdout).toMatch(/^ID\s+NAME\s+CREATED\s+CDC URL\n/);
    expect(solutions.stdout).toContain('Field service');
    expect(JSON.parse((await cli('solution', 'list', orgId, '--json')).stdout)).toEqual([expect.objectContaining({ id: solId, name: 'Field service' })]);

    const created = JSON.parse((await cli('token', 'create', orgId, 'phones', '--scopes', 'data:read,data:write')).stdout) as { id: string; token: string; prefix: string };
    const tokens = await cli('token', 'list', orgId);
    expect(tokens.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+EXPIRES\s+REVOKED\s+LAST USED\n/);
    expect(tokens.stdout).toContain('data:read,data:write');
    expect(tokens.stdout).not.toContain(created.token);
    expect(JSON.parse((await cli('token', 'list', orgId, '--json')).stdout)).toEqual([expect.objectContaining({ id: created.id, name: 'phones' })]);

    expect((await cli('table', 'list', orgId, solId)).stdout.trim()).toBe('No tables in this solution yet (Acumatica notifications create them).');
    const http = new HttpClient(t.api, created.token);
    expect((await http.post(`/tool/organizations/${orgId}/solutions/${solId}/tables`, { name: 'Customers', keyFields: ['CustomerID'] })).status).toBe(201);
    const tables = await cli('table', 'list', orgId, solId);
    expect(tables.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^NAME\s+KEY FIELDS\s+ROWS\s+HEAD\s+UPDATED$/), expect.stringMatching(/^Customers\s+CustomerID\s+0\s+0\s+\d{4}-/)]);
    expect(JSON.parse((await cli('table', 'list', orgId, solId, '--json')).stdout)).toEqual([expect.objectContaining({ name: 'Customers', keyFields: ['CustomerID'] })]);
  });
});
