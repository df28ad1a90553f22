import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, HttpClient, TestDatabase, waitFor } from '@tablecast/testing';
import { runServer, ServerProcess, waitUntilUp } from './support/server-process';
import { connect, TableClient } from './support/socket';

const CLI = join(__dirname, '../dist/apps/cli/src/main.js');
/** The longest a cache may trust a validation: well above the bound asserted below, so only the announcement can explain it. */
const TOKEN_CACHE_MS = '5000';
/** Refused and disconnected this fast on every node: the announcement, not the cache bound or the 2 s session check. */
const ANNOUNCED_WITHIN_MS = 1500;

/**
 * Revocation and operator-token rotation from the real CLI process reach every running server
 * process (two real servers on one database, no Redis, no shared memory) at once.
 */
describe('revocations and rotations announced to every running server', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  const sockets: TableClient[] = [];

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
    const started = Date.now();
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: database.url, TOKEN_CACHE_MS } });
      return { code: 0, stdout, stderr, ms: Date.now() - started };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, ms: Date.now() - started };
    }
  }

  const api = (server: ServerProcess, token: string) => new HttpClient(`${server.url}/v2.0`, token);
  const disconnected = (client: TableClient) => new Promise<number>((done) => client.socket.once('disconnect', () => done(Date.now())));

  beforeAll(async () => {
    database = await createTestDatabase();
    // No ADMIN_TOKEN: the first server generates the operator token, the second accepts the stored hash.
    const env = { DATABASE_URL: database.url, TOKEN_CACHE_MS, LOG_LEVEL: 'warn' };
    servers.push(await runServer(env));
    await waitUntilUp(servers[0]);
    servers.push(await runServer(env));
    await waitUntilUp(servers[1]);
  }, 90_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('admin-token rotate: the old operator token gets 401 over HTTP and its sockets close on every node, at once', async () => {
    const old = /tca_[A-Za-z0-9_-]{43}/.exec(servers[0].output())?.[0];
    expect(old).toBeDefined();
    for (const server of servers) expect((await api(server, old!).get('/tool/organizations')).status).toBe(200);
    const onNodes = await Promise.all(servers.map((server) => connect(server.url, { token: old })));
    sockets.push(...onNodes);
    const closed = onNodes.map(disconnected);

    const rotatedAt = Date.now();
    const rotate = await cli('admin-token', 'rotate');
    expect(rotate.code).toBe(0);
    const answer = JSON.parse(rotate.stdout) as { token: string; effect: string };
    expect(answer.token).toMatch(/^tca_/);
    expect(answer.effect).toContain('every running server');
    expect(answer.effect).toContain(`TOKEN_CACHE_MS (${TOKEN_CACHE_MS} ms)`);

    for (const server of servers) {
      expect((await api(server, old!).get('/tool/organizations')).status).toBe(401);
      expect((await api(server, answer.token).get('/tool/organizations')).status).toBe(200);
      await expect(connect(server.url, { token: old })).rejects.toThrow('unauthorized');
    }
    const closedAt = await Promise.all(closed);
    console.log(`rotation: CLI run ${rotate.ms} ms; sockets on both nodes closed ${closedAt.map((at) => at - rotatedAt).join(' / ')} ms after the CLI started`);
    for (const at of closedAt) expect(at - rotatedAt).toBeLessThan(ANNOUNCED_WITHIN_MS + 2000); // CLI start-up included
    expect(Date.now() - rotatedAt).toBeLessThan(Number(TOKEN_CACHE_MS)); // not the cache running out
  }, 30_000);

  it('token revoke: the PAT gets 401 over HTTP and its sockets close on every node, at once', async () => {
    const operatorToken = (JSON.parse((await cli('admin-token', 'rotate')).stdout) as { token: string }).token;
    const operator = api(servers[0], operatorToken);
    await waitFor(async () => (await operator.get('/tool/organizations')).status === 200, { timeoutMs: 5000, what: 'the new operator token' });
    const org = await operator.post('/tool/organizations', { name: 'Revoked by CLI' });
    const pat = await operator.post(`/tool/organizations/${org.body.id}/tokens`, { name: 'phone', scopes: ['data:read'] });
    expect(pat.status).toBe(201);
    // Warm every node's cache: without the announcement it would trust the PAT for TOKEN_CACHE_MS.
    for (const server of servers) expect((await api(server, pat.body.token).get(`/tool/organizations/${org.body.id}`)).status).toBe(200);
    const onNodes = await Promise.all(servers.map((server) => connect(server.url, { token: pat.body.token })));
    sockets.push(...onNodes);
    const closed = onNodes.map(disconnected);

    const revoke = await cli('token', 'revoke', org.body.id, pat.body.id);
    expect(revoke.code).toBe(0);
    const revokedAt = Date.now(); // the CLI has exited: its announcement went out before
    expect(JSON.parse(revoke.stdout)).toMatchObject({ revoked: pat.body.id, effect: expect.stringContaining('every running server') });
    for (const server of servers) expect((await api(server, pat.body.token).get(`/tool/organizations/${org.body.id}`)).status).toBe(401);
    const refusedWithin = Date.now() - revokedAt;
    const closedAt = await Promise.all(closed);
    console.log(`revocation: 401 on both nodes ${refusedWithin} ms after the CLI exited; sockets closed ${closedAt.map((at) => at - revokedAt).join(' / ')} ms after it (TOKEN_CACHE_MS ${TOKEN_CACHE_MS})`);
    expect(refusedWithin).toBeLessThan(ANNOUNCED_WITHIN_MS);
    for (const at of closedAt) expect(at - revokedAt).toBeLessThan(ANNOUNCED_WITHIN_MS);
  }, 30_000);
});
