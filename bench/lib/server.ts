import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const MAIN = join(__dirname, '../../dist/apps/api/src/main.js');

export interface ServerOptions {
  databaseUrl: string;
  adminToken: string;
  redisUrl?: string;
  label: string;
}

export interface ServerProcess {
  label: string;
  pid: number;
  port: number;
  url: string;
  api: string;
  stop(): Promise<void>;
}

const running = new Set<ServerProcess>();

/** Stops every server process this bench started and has not stopped yet (on failure or a signal). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The built app started exactly like `npm start` (`node dist/apps/api/src/main.js`), as a process
 * of its own, with only the environment a deployment would give it.
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_NETWORK: 'true',
  };
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: join(__dirname, '../..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`${options.label} exited while starting:\n${output}`);
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.label} did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  const server: ServerProcess = {
    label: options.label,
    pid: child.pid!,
    port,
    url,
    api: `${url}/v2.0`,
    stop: async () => {
      running.delete(server);
      if (!gone) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
  running.add(server);
  return server;
}
