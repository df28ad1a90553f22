import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from '@tablecast/testing';
import { runServer, waitUntilUp } from './support/server-process';

const SHORT_ADMIN_TOKEN = 'hunter2-only-31-characters-long';

describe('the server process', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ REGION: 'mars-1' }, 'REGION'],
    [{ DATABASE_URL: 'definitely not a url' }, 'DATABASE_URL'],
    [{ REGION_BASE_URLS: '{"us-east-1": ' }, 'REGION_BASE_URLS'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:1/x' }, 'ADMIN_TOKEN'],
    [{ NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(40) }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:1/x', ADMIN_TOKEN: SHORT_ADMIN_TOKEN }, 'ADMIN_TOKEN'],
  ])('exits 1 on %j with one line naming %s', async (env, variable) => {
    const server = await runServer(env as Record<string, string>);
    const code = await server.exited;
    expect(code).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).not.toContain('hunter2');
  });

  it('starts in development with a short ADMIN_TOKEN, warning about it, and accepts it', async () => {
    expect(SHORT_ADMIN_TOKEN).toHaveLength(31);
    const database = await createTestDatabase();
    const server = await runServer({ DATABASE_URL: database.url, ADMIN_TOKEN: SHORT_ADMIN_TOKEN });
    try {
      await waitUntilUp(server);
      expect(server.output()).toContain('ADMIN_TOKEN is shorter than 32 characters');
      expect(server.output()).not.toContain(SHORT_ADMIN_TOKEN);
      const res = await fetch(`${server.url}/v2.0/tool/organizations`, { headers: { authorization: `Bearer ${SHORT_ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await server.stop('SIGTERM');
      await database.drop();
    }
  }, 60_000);

  describe('with the embedded PostgreSQL (no DATABASE_URL)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tablecast-embedded-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    async function query(sql: string): Promise<unknown[]> {
      const { password } = JSON.parse(readFileSync(join(dataDir, 'embedded-postgres.json'), 'utf8')) as { password: string };
      // postmaster.pid's fourth line is the port the server listens on.
      const port = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
      const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'tablecast' });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    }

    it('starts, keeps its data across a clean restart, recovers from a SIGKILL, and exits 0 on SIGTERM', async () => {
      const first = await runServer({ DATA_DIR: dataDir });
      await waitUntilUp(first, 60_000);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      expect(first.output()).toContain(`Data: embedded PostgreSQL in ${join(dataDir, 'pg')}`);
      await query(`INSERT INTO settings (key, value) VALUES ('restart-check', '"kept"')`);
      expect(await first.stop('SIGTERM')).toBe(0);

      const second = await runServer({ DATA_DIR: dataDir });
      await waitUntilUp(second, 60_000);
      expect(await query(`SELECT value FROM settings WHERE key = 'restart-check'`)).toEqual([{ value: 'kept' }]);
      // A killed server leaves its PostgreSQL running; the next start must clean it up and carry on.
      expect(await second.stop('SIGKILL')).toBeNull();

      const third = await runServer({ DATA_DIR: dataDir });
      await waitUntilUp(third, 60_000);
      expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
      expect(await query(`SELECT value FROM settings WHERE key = 'restart-check'`)).toEqual([{ value: 'kept' }]);
      expect(await third.stop('SIGTERM')).toBe(0);
    }, 180_000);
  });
});
