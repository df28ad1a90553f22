import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeAcumatica } from '@tablecast/testing';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';

const CLI = join(__dirname, '../dist/apps/cli/src/main.js');
const SECRETS_KEY = randomBytes(32).toString('base64');

describe('Acumatica pull CLI commands', () => {
  let t: TestApp;
  let s: Session;
  let fake: FakeAcumatica;

  async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t.database.url,
          ADMIN_TOKEN: 'x'.repeat(40),
          SECRETS_KEY,
          ALLOW_PRIVATE_NETWORK: 'true',
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    t = await bootTestApp({ env: { SECRETS_KEY, ALLOW_PRIVATE_NETWORK: 'true', RELOAD_SWEEP_MS: '200', ACUMATICA_PAGE_SIZE: '500' } });
    s = await createSession(t);
    fake = await FakeAcumatica.start();
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(1200));
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  it('connection create|list|test, source set, reload --wait (progress, exit 1 on failure)', async () => {
    const c = fake.credentials;
    const created = await cli(
      [
        'connection',
        'create',
        s.org.id,
        s.solution.id,
        'ERP',
        '--url',
        fake.url,
        '--tenant',
        fake.tenant,
        '--client-id',
        c.clientId,
        '--username',
        c.username,
      ],
      { ACUMATICA_CLIENT_SECRET: c.clientSecret, ACUMATICA_PASSWORD: c.password },
    );
    expect(created.stderr).toBe('');
    expect(created).toMatchObject({ code: 0 });
    const conn = JSON.parse(created.stdout);
    expect(created.stdout).not.toContain(c.password);
    const listed = await cli(['connection', 'list', s.org.id, s.solution.id]);
    expect(JSON.parse(listed.stdout).items.map((i: { id: string }) => i.id)).toEqual([conn.id]);
    expect(JSON.parse((await cli(['connection', 'test', s.org.id, s.solution.id, conn.id])).stdout)).toEqual({ ok: true });

    const source = await cli([
      'source',
      'set',
      s.org.id,
      s.solution.id,
      'customers',
      '--connection',
      conn.id,
      '--gi',
      'TC-Customers',
      '--key',
      'CustomerID',
    ]);
    expect(source).toMatchObject({ code: 0 });
    const bad = await cli(['source', 'set', s.org.id, s.solution.id, 'customers', '--connection', conn.id, '--gi', 'X', '--every', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('everyMinutes');

    const reload = await cli(['reload', s.org.id, s.solution.id, 'customers', '--mode', 'full', '--wait']);
    expect(reload.code).toBe(0);
    expect(JSON.parse(reload.stdout)).toMatchObject({
      status: 'succeeded',
      progress: { pages: 3, rowsRead: 1200 },
      result: { inserted: 1200 },
    });
    expect(reload.stderr).toMatch(/3 pages, 1200 rows read/);

    fake.faults.push('non-json');
    const failed = await cli(['reload', s.org.id, s.solution.id, 'customers', '--mode', 'compare', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/failed \(acumatica_response/);
    expect(fake.stats.logins).toBe(fake.stats.logouts);
  }, 120_000);
});
