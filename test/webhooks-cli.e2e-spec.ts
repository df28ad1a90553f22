import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';
import { Receiver, verifies } from './webhooks/receiver';

const CLI = join(__dirname, '../dist/apps/cli/src/main.js');
const SECRETS_KEY = randomBytes(32).toString('base64');

describe('webhook CLI commands', () => {
  let t: TestApp;
  let s: Session;
  let receiver: Receiver;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t.database.url,
          ADMIN_TOKEN: 'x'.repeat(40),
          SECRETS_KEY,
          ALLOW_PRIVATE_NETWORK: 'true',
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    t = await bootTestApp({ env: { SECRETS_KEY, ALLOW_PRIVATE_NETWORK: 'true', WEBHOOK_SWEEP_MS: '200', WEBHOOK_RETRY_SCALE: '0.00002' } });
    s = await createSession(t);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('create, list, replay and enable, served by the running server', async () => {
    expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'orders' })).status).toBe(201);
    const created = await cli(
      'webhook',
      'create',
      s.org.id,
      s.solution.id,
      `${receiver.url}/hook`,
      '--tables',
      'orders',
      '--description',
      'from the CLI',
    );
    expect(created.code).toBe(0);
    const hook = JSON.parse(created.stdout) as { id: string; secret: string; tables: string[] };
    expect(hook).toMatchObject({ tables: ['orders'], description: 'from the CLI', enabled: true });
    expect(hook.secret).toMatch(/^whsec_/);

    const listed = await cli('webhook', 'list', s.org.id, s.solution.id);
    expect(JSON.parse(listed.stdout).items.map((h: { id: string }) => h.id)).toEqual([hook.id]);
    expect(listed.stdout).not.toContain(hook.secret);

    receiver.reply = () => ({ status: 410 });
    await s.http.put(`${s.solutionPath}/tables/orders/records/O1`, { data: { n: 1 } });
    await receiver.waitFor(
      async () => (await s.http.get(`${s.solutionPath}/webhooks/${hook.id}`)).body.enabled === false,
      'disabled by 410',
    );
    expect(verifies(hook.secret, receiver.deliveries[0])).toBe(true);

    receiver.reply = () => ({ status: 200 });
    const enabled = await cli('webhook', 'enable', s.org.id, s.solution.id, hook.id);
    expect(enabled.code).toBe(0);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ enabled: true, disabledReason: null });
    await receiver.waitForSeqs('orders', 1);
    await receiver.waitFor(
      async () => (await s.http.get(`${s.solutionPath}/webhooks/${hook.id}`)).body.cursors[0].deliveredSeq === 1,
      'delivered',
    );

    const before = receiver.deliveries.length;
    const replay = await cli('webhook', 'replay', s.org.id, s.solution.id, hook.id, 'orders', '0');
    expect(replay.code).toBe(0);
    await receiver.waitFor(() => receiver.deliveries.length > before, 'the replay (sent by the server)');
    expect(receiver.deliveries[before].id).toBe(receiver.deliveries[before - 1].id);

    const bad = await cli('webhook', 'replay', s.org.id, s.solution.id, hook.id, 'orders', '-1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('since');
    const ftp = await cli('webhook', 'create', s.org.id, s.solution.id, 'ftp://example.com/');
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain('url');
  });
});
