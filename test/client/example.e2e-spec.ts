import { waitFor } from '@tablecast/testing';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { notification, pushCdc } from '../support/acumatica';
import { createSession, Session } from '../support/session';
import { TestApp } from '../support/test-app';
import { bootApp, ClientTestApp, putRecords } from './support';

const root = join(__dirname, '../..');
const clientDir = join(root, 'libs/client');

/** Builds the package (CJS + ESM) when its dist is missing or older than its sources: the example imports the built package. */
function buildClientIfNeeded(): void {
  const built = join(clientDir, 'dist/esm/index.js');
  const src = join(clientDir, 'src');
  const newest = Math.max(...readdirSync(src).map((name) => statSync(join(src, name)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build', '--workspace', '@tablecast/client'], { cwd: root, stdio: 'ignore' });
}

describe('examples/mirror-table.mjs (the built package, imported as ES modules)', () => {
  let t: ClientTestApp;
  let s: Session;

  beforeAll(async () => {
    buildClientIfNeeded();
    t = await bootApp();
    s = await createSession(t as unknown as TestApp, 'Example');
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.drop();
  });

  it('mirrors a table, prints each change, and exits 0 on SIGINT', async () => {
    const rows = [1, 2, 3].map((i) => ({ CustomerID: `C${i}`, Name: `Customer ${i}` }));
    expect((await pushCdc(s.http, s.solutionPath, notification({ inserted: rows }), '?table=Customers')).status).toBe(200);
    const child = spawn(process.execPath, [join(root, 'examples/mirror-table.mjs')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', TABLECAST_URL: t.url, TABLECAST_TOKEN: s.token, TABLECAST_ORG: s.org.id, TABLECAST_SOLUTION: s.solution.id, TABLECAST_TABLE: 'Customers' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await waitFor(() => output.includes('mirrored 3 records (seq 3)'), { what: `the snapshot line (output: ${output})`, timeoutMs: 15_000 });
      await putRecords(s.http, s, 'Customers', [['C2', { CustomerID: 'C2', Name: 'Renamed' }]]);
      await waitFor(() => /#4 update C2 .*"Name":"Renamed"/.test(output), { what: `the change line (output: ${output})` });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
