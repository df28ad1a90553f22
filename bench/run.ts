/**
 * `npm run bench [-- --quick] [-- <scenario>…]`: starts a PostgreSQL of its own, the built app as
 * its own process (like `npm start`), load generators and raw baselines in processes of their own,
 * runs every scenario beside its baseline, and writes bench/results/latest.{json,md} (quick.* with
 * --quick). Naming scenarios runs only those and keeps the other results of the last run.
 * `npm run bench -- explain` writes bench/results/explain-apply.txt. See README, "Benchmarks".
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runExplain } from './explain';
import { BenchContext, SharedWorkers } from './lib/context';
import { loadAverage, PostgresCpu } from './lib/cpu';
import { markdown, Results, Row, ScenarioResult } from './lib/report';
import { startServer, stopAllServers } from './lib/server';
import { runBulkNotification } from './scenarios/bulk-notification';
import { runFanout } from './scenarios/fanout';
import { runIdleSockets } from './scenarios/idle-sockets';
import { INGEST_CASES, runIngest } from './scenarios/ingest';
import { runCrossNode, runLatency } from './scenarios/latency';
import { runResume } from './scenarios/resume';
import { runFullLoadScenario, runWebhooksScenario } from './scenarios/legacy-rows';
import { BENCH_ADMIN_TOKEN, BenchDatabase, createSession, createTokens, startDatabase } from './setup';
import { log } from './stats';

const RESULTS_DIR = join(__dirname, 'results');
const REDIS_URL = 'redis://127.0.0.1:6379';

type Scenario = (context: BenchContext) => Promise<ScenarioResult>;

const SCENARIOS: [string, Scenario][] = [
  ...INGEST_CASES.map((c): [string, Scenario] => [c.name, (context) => runIngest(context, c)]),
  ['latency', runLatency],
  ['cross-node', runCrossNode],
  ['fan-out', runFanout],
  ['idle-sockets', runIdleSockets],
  ['resume', runResume],
  ['bulk-10k', runBulkNotification],
  ['webhooks', runWebhooksScenario],
  ['full-load', runFullLoadScenario],
];
const ORDER = SCENARIOS.map(([name]) => name);
const ALIASES: Record<string, string> = { 'sdk-resume': 'resume', 'small-notifications': 'small-16', 'bulk-notification': 'bulk-10k' };

let database: BenchDatabase | undefined;
let pgCpu: PostgresCpu | undefined;
const shared = new SharedWorkers();

async function cleanUp(): Promise<void> {
  await shared.close().catch((error) => log(`closing the load generators failed: ${String(error)}`));
  await stopAllServers().catch((error) => log(`stopping the servers failed: ${String(error)}`));
  await pgCpu?.close().catch(() => undefined);
  pgCpu = undefined;
  const open = database;
  database = undefined;
  if (open) await open.close().catch((error) => log(`cleaning up the database failed: ${String(error)}`));
}

function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 }, () => socket.write('PING\r\n'));
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (data) => done(String(data).startsWith('+PONG')));
  });
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ version: string }>('SELECT version()')).rows[0].version;
  } finally {
    await client.end();
  }
}

function parseArgs(argv: string[]): { quick: boolean; only: string[]; explain: boolean } {
  const quick = argv.includes('--quick');
  const names = argv.filter((arg) => arg !== '--quick').map((arg) => ALIASES[arg] ?? arg);
  const unknown = names.filter((name) => name !== 'explain' && !ORDER.includes(name));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; scenarios: ${ORDER.join(', ')}, explain`);
  return { quick, only: names.filter((name) => name !== 'explain'), explain: names.includes('explain') };
}

function crashed(name: string, error: unknown): ScenarioResult {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const row: Row = { scenario: name, tablecast: `crashed: ${message}`, baseline: '—', ratio: '—', goal: '—', met: false };
  return { name, measuredAt: new Date().toISOString(), rows: [row], phases: [], data: { error: message } };
}

async function main(): Promise<number> {
  const started = Date.now();
  const { quick, only, explain } = parseArgs(process.argv.slice(2));
  const explainOnly = explain && only.length === 0;
  const wanted = explainOnly ? [] : only.length ? only : ORDER;
  const base = quick ? 'quick' : 'latest';

  log(process.env.DATABASE_URL ? 'creating a database on the DATABASE_URL server' : 'starting an embedded PostgreSQL');
  database = await startDatabase();
  const redis = await redisAnswers();
  log('starting the server (node dist/apps/api/src/main.js)');
  const server = await startServer({ databaseUrl: database.url, adminToken: BENCH_ADMIN_TOKEN, label: 'server' });
  const session = await createSession(server.api);
  pgCpu = await PostgresCpu.connect(database.url);
  const context: BenchContext = {
    quick,
    databaseUrl: database.url,
    adminToken: BENCH_ADMIN_TOKEN,
    server,
    session,
    tokens: await createTokens(server.api, session.organizationId, 16),
    redisUrl: redis ? REDIS_URL : undefined,
    pgCpu,
    shared,
  };

  if (explain || quick) {
    // --quick exercises the explain code too, without touching the committed output.
    const file = await runExplain(database.url, session.solutionId, explain ? RESULTS_DIR : tmpdir());
    log(`explain: ${file}`);
  }

  const file = (ext: string) => join(RESULTS_DIR, `${base}.${ext}`);
  const previous: Partial<Results> = only.length && existsSync(file('json')) ? JSON.parse(readFileSync(file('json'), 'utf8')) : {};
  const results: Results = {
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: await postgresVersion(database.url),
      database: database.kind,
      redis,
      loadAverageAtStart: loadAverage(),
      date: new Date().toISOString(),
    },
    quick,
    scenarios: { ...(previous.scenarios ?? {}) },
  };
  let failures = 0;
  for (const [name, scenario] of SCENARIOS) {
    if (!wanted.includes(name)) continue;
    const t0 = Date.now();
    log(`=== ${name}`);
    try {
      results.scenarios[name] = await scenario(context);
    } catch (error) {
      failures++;
      log(`${name} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results.scenarios[name] = crashed(name, error);
    }
    log(`=== ${name} took ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  await cleanUp();

  if (!explainOnly) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const report = markdown(results, ORDER);
    writeFileSync(file('json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(file('md'), report);
    process.stdout.write(report);
    log(`results in bench/results/${base}.{json,md}`);
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s${failures ? `; ${failures} scenario(s) crashed` : ''}`);
  return failures ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await cleanUp();
    process.exit(1);
  },
);
