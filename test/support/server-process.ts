import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from '@tablecast/database';
import { waitFor } from '@tablecast/testing';

const MAIN = join(__dirname, '../../dist/apps/api/src/main.js');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built server (`node dist/apps/api/src/main.js`) as a real process with the given environment. */
export function runServer(env: Record<string, string>, options: { port?: number } = {}): Promise<ServerProcess> {
  return (async () => {
    const port = options.port ?? (await findFreePort());
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const server: ServerProcess = {
      child,
      port,
      url: `http://127.0.0.1:${port}`,
      output: () => output,
      exited,
      stop: (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    return server;
  })();
}

/** Waits until the server answers /healthz, or fails with what it printed. */
export async function waitUntilUp(server: ServerProcess, timeoutMs = 30_000): Promise<void> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error(`server exited: ${server.output()}`);
      const res = await fetch(`${server.url}/healthz`).catch(() => undefined);
      return res?.status === 200;
    },
    { timeoutMs, intervalMs: 100, what: `server on port ${server.port} (output: ${server.output().slice(-500)})` },
  );
}
