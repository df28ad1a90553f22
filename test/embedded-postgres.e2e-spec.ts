/**
 * The built server and CLI as real processes with an embedded PostgreSQL (no DATABASE_URL) in a
 * temporary DATA_DIR: start-up failures are one line and exit 1; the CLI beside a running server
 * uses the server's PostgreSQL and leaves it running.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '@tablecast/database';
import { HttpClient } from '@tablecast/testing';
import { runServer, ServerProcess, waitUntilUp } from './support/server-process';

const CLI = join(__dirname, '../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = 'embedded-test-operator-token-0123456789abcdef';

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** What a server that could not start printed: exactly one line, and no stack trace. */
function expectOneLine(output: string): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(output).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('embedded PostgreSQL, server and CLI as real processes', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tablecast-embedded-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a port that is taken: one line naming the port and the variable to change, exit code 1', async () => {
    const port = await findFreePort();
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const server = await runServer({ DATA_DIR: tempDir(), EMBEDDED_POSTGRES_PORT: String(port), ADMIN_TOKEN });
      servers.push(server);
      expect(await server.exited).toBe(1);
      const line = expectOneLine(server.output());
      expect(line).toContain(`port ${port} is already in use`);
      expect(line).toContain('EMBEDDED_POSTGRES_PORT');
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });

  it('a damaged data directory: one line naming it and the remedy, exit code 1', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pg'));
    writeFileSync(join(dir, 'pg', 'PG_VERSION'), 'not a version\n');
    const server = await runServer({ DATA_DIR: dir, ADMIN_TOKEN });
    servers.push(server);
    expect(await server.exited).toBe(1);
    const line = expectOneLine(server.output());
    expect(line).toContain(`the embedded PostgreSQL in ${join(dir, 'pg')} did not start`);
    expect(line).toContain('move it away');
  });

  it('the CLI beside a running server uses its PostgreSQL and leaves it running; a second server is refused', async () => {
    const dir = tempDir();
    const server = await runServer({ DATA_DIR: dir, ADMIN_TOKEN });
    servers.push(server);
    await waitUntilUp(server);
    const operator = new HttpClient(`${server.url}/v2.0`, ADMIN_TOKEN);

    const created = await cli({ DATA_DIR: dir, ADMIN_TOKEN }, 'org', 'create', 'Beside the server');
    expect(created).toMatchObject({ code: 0 });
    const orgId = (JSON.parse(created.stdout) as { id: string }).id;

    // The server's database is still there: the organization the CLI wrote is served at once.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const org = await operator.get(`/tool/organizations/${orgId}`);
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ name: 'Beside the server' });

    // Again, while the server keeps serving (the CLI never stops a cluster it did not start).
    expect((await cli({ DATA_DIR: dir, ADMIN_TOKEN }, 'org', 'create', 'Second')).code).toBe(0);
    expect((await operator.get('/tool/organizations')).status).toBe(200);

    const second = await runServer({ DATA_DIR: dir, ADMIN_TOKEN });
    servers.push(second);
    expect(await second.exited).toBe(1);
    expect(expectOneLine(second.output())).toContain(`is in use by Tablecast process ${server.child.pid}`);
    expect((await operator.get(`/tool/organizations/${orgId}`)).status).toBe(200);

    expect(await server.stop()).toBe(0);
  });

  it('the CLI without a server starts the embedded PostgreSQL, and stops it again', async () => {
    const dir = tempDir();
    const first = await cli({ DATA_DIR: dir, ADMIN_TOKEN }, 'org', 'create', 'Alone');
    expect(first.code).toBe(0);
    // Had it left PostgreSQL running, this server would stop it as an orphan and say so.
    const server = await runServer({ DATA_DIR: dir, ADMIN_TOKEN, LOG_LEVEL: 'warn' });
    servers.push(server);
    await waitUntilUp(server);
    expect(server.output()).not.toContain('left running');
    const orgs = await new HttpClient(`${server.url}/v2.0`, ADMIN_TOKEN).get<{ items: { name: string }[] }>('/tool/organizations');
    expect(orgs.body.items.map((o) => o.name)).toContain('Alone');
    expect(await server.stop()).toBe(0);
  });
});
