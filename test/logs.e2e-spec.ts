/**
 * What the built server prints, as a real process: no start-up chatter at `info`, and a database
 * outage logged once when it starts and once when it ends (not an error with a stack per 503).
 */
import { waitFor } from '@tablecast/testing';
import { PgCluster } from './support/pg-cluster';
import { runServer, ServerProcess, waitUntilUp } from './support/server-process';

const ADMIN_TOKEN = 'logs-test-operator-token-0123456789abcdef';

interface LogLine {
  level: number;
  context?: string;
  msg?: string;
  err?: unknown;
  stack?: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('logs of a real server process', () => {
  let cluster: PgCluster;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    cluster = await PgCluster.create();
  });
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await cluster?.destroy();
  });

  async function start(logLevel: string): Promise<ServerProcess> {
    const server = await runServer({ DATABASE_URL: cluster.url, ADMIN_TOKEN, LOG_LEVEL: logLevel, DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    servers.push(server);
    await waitUntilUp(server);
    // The start line comes after Nest has mapped every route.
    await waitFor(() => server.output().includes('listening on'), { timeoutMs: 10_000, what: 'the start line' });
    return server;
  }

  it('route mappings and module initialisation are debug lines: none at info', async () => {
    const info = await start('info');
    const atInfo = logLines(info.output()).filter((line) => line.level === 30);
    expect(atInfo.filter((line) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader'].includes(line.context ?? ''))).toEqual([]);
    await info.stop();

    // They are still there for whoever asks for debug.
    const debug = await start('debug');
    const mapped = logLines(debug.output()).filter((line) => line.context === 'RouterExplorer');
    expect(mapped.length).toBeGreaterThan(20);
    expect(mapped.every((line) => line.level === 20)).toBe(true);
    await debug.stop();
  });

  it('a database outage: one warn when it starts, one info when it ends, no error line and no stack for its 503s', async () => {
    const server = await start('info');
    const before = server.output().length;
    await cluster.stop();

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.url}/readyz`)).status);
    expect(statuses).toEqual([503, 503, 503, 503, 503]);
    await waitFor(() => logLines(server.output().slice(before)).some((line) => line.level === 40), { timeoutMs: 5_000, what: 'the outage warning' });

    await cluster.start();
    await waitFor(() => logLines(server.output().slice(before)).some((line) => /answers again/.test(line.msg ?? '')), {
      timeoutMs: 15_000,
      what: 'the end of the outage in the log',
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const lines = logLines(server.output().slice(before));
    // (The realtime doorbell also says, at warn, that it lost and re-opens its LISTEN connection.)
    const warnings = lines.filter((line) => line.level === 40 && line.context === 'Database');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('The database is unreachable');
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.filter((line) => line.err !== undefined || line.stack !== undefined)).toEqual([]);
    const ended = lines.filter((line) => /answers again/.test(line.msg ?? ''));
    expect(ended).toHaveLength(1);
    expect(ended[0].level).toBe(30);
    expect(ended[0].msg).toMatch(/\(\d+ responses 503\)/);
  });
});
