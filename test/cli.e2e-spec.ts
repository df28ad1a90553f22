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

  it('rejects bad arguments with a message naming the field and exit code 1', async () => {
    const noName = await cli('org', 'create', '');
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('name');
    const badScope = await cli('token', 'create', '00000000-0000-4000-8000-000000000000', 'x', '--scopes', 'root');
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('scopes');
    const unknownOrg = await cli('solution', 'create', '00000000-0000-4000-8000-000000000000', 'x');
    expect(unknownOrg.code).toBe(1);
    expect(JSON.parse(unknownOrg.stderr)).toMatchObject({ status: 404 });
    const notUuid = await cli('token', 'revoke', 'acme', 'x');
    expect(notUuid.code).toBe(1);
    expect(JSON.parse(notUuid.stderr)).toMatchObject({ status: 404 });
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage');
  });
});
