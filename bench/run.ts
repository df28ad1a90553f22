/**
 * `npm run bench`: boots the real app in-process against a PostgreSQL of its own, measures
 * Acumatica push notifications against a hand-written raw-pg baseline, and writes
 * bench/results/latest.{json,md}. See README, "Benchmarks".
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BulkCase, BulkResult, runBulkNotification, TimingSummary } from './scenarios/bulk-notification';
import { runSdkResume, SdkResumeResult } from './scenarios/sdk-resume';
import { runSmallNotifications, SmallNotificationsResult } from './scenarios/small-notifications';
import { runWebhooks, WebhooksResult } from './scenarios/webhooks';
import { FullLoadResult, runFullLoad } from './scenarios/full-load';
import { BenchApp, BenchDatabase, bootApp, createSession, startDatabase } from './setup';
import { log } from './stats';

interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  postgres: string;
  database: BenchDatabase['kind'];
  date: string;
}

interface Results {
  machine: Machine;
  bulkNotification: BulkResult;
  smallNotifications: SmallNotificationsResult;
  sdkResume?: SdkResumeResult & { machine?: string };
  webhooks?: WebhooksResult;
  fullLoad?: FullLoadResult;
}

const RESULTS_DIR = join(__dirname, 'results');

let database: BenchDatabase | undefined;
let app: BenchApp | undefined;

/** Closes the app, then drops the database / stops the embedded PostgreSQL. Safe to call twice. */
async function cleanUp(): Promise<void> {
  const [openApp, openDatabase] = [app, database];
  app = undefined;
  database = undefined;
  if (openApp) await openApp.close().catch((error) => log(`closing the app failed: ${String(error)}`));
  if (openDatabase) await openDatabase.close().catch((error) => log(`cleaning up the database failed: ${String(error)}`));
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0].version;
  } finally {
    await client.end();
  }
}

const number = (value: number) => value.toLocaleString('en-US');

function timing(summary: TimingSummary): string {
  return `median ${number(summary.medianMs)} ms, p95 ${number(summary.p95Ms)} ms (${number(summary.rowsPerSecond)} rows/s)`;
}

function bulkRow(label: string, result: BulkCase): string {
  return `| ${label} (${result.tablecast.runs} runs) | ${timing(result.tablecast)} | ${timing(result.baseline)} | ${result.ratio}× the baseline's time |`;
}

function markdown(results: Results): string {
  const { machine, bulkNotification: bulk, smallNotifications: small, webhooks: hooks } = results;
  const t = small.tablecast;
  const b = small.baseline;
  return [
    '## Tablecast benchmark',
    '',
    `Machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.postgres} (${machine.database === 'embedded' ? 'embedded' : 'DATABASE_URL server'}), ${machine.date}`,
    '',
    '| scenario | Tablecast (HTTP, real app) | baseline (raw pg) | Tablecast vs baseline |',
    '| --- | --- | --- | --- |',
    bulkRow(`${number(bulk.rows)}-row notification, fresh table`, bulk.fresh),
    bulkRow(`${number(bulk.rows)}-row notification, every row updated`, bulk.update),
    `| 1-row notifications, ${small.connections} connections, ${Math.round(t.durationSeconds)} s | ${number(t.perSecond)} req/s, p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, ${t.non2xx} non-2xx, ${t.errors} errors (Node: ${t.nodeCpuCores} CPU) | ${number(b.perSecond)} tx/s, p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms (Node: ${b.nodeCpuCores} CPU) | ${Math.round(small.ratio * 100)}% of the baseline's throughput |`,
    ...webhookRows(hooks),
    ...fullLoadRows(results.fullLoad),
    '',
    'Baseline: the least a hand-written writer does for the same rows, on its own pg connection(s): one transaction that locks the',
    "table's `data_tables` row (`SELECT … FOR UPDATE`), upserts the records and appends one change per record in one statement",
    '(`jsonb_to_recordset` for the 10,000 rows), raises `head`, and commits. Tablecast times are HTTP round trips to the in-process',
    'app (parsing, auth, validation, classification, dedupe mark, delivery audit, commit); the load generator (autocannon) shares',
    'its process. p95 is nearest-rank, so with 3-5 runs it is the slowest run. "Node: n CPU" is the bench process\'s CPU time per',
    'second of wall time (app + autocannon, or the pg client alone).',
    '',
    ...sdkResumeSection(results.sdkResume),
  ].join('\n');
}

function webhookRows(hooks: WebhooksResult | undefined): string[] {
  if (!hooks) return [];
  return [
    `| webhooks, live: ${number(hooks.changes)} changes by 4 REST writers (${hooks.tables} tables) to a receiver process | ${number(hooks.tablecast.deliveriesPerSecond)} deliveries/s (${number(hooks.tablecast.deliveries)} deliveries, ${number(hooks.tablecast.changesPerSecond)} changes/s: the writers' rate), commit→receiver p50 ${hooks.tablecast.latencyP50Ms} ms, p99 ${hooks.tablecast.latencyP99Ms} ms | raw \`fetch\` loop, same bodies: ${number(hooks.baseline.deliveriesPerSecond)} posts/s, round trip p50 ${hooks.baseline.roundTripP50Ms} ms, p99 ${hooks.baseline.roundTripP99Ms} ms | ${Math.round(hooks.ratio * 100)}% of the raw loop's deliveries/s |`,
    `| webhooks, backlog drain: ${number(hooks.changes)} changes written while disabled, then enabled | ${number(hooks.drain.tablecast.deliveriesPerSecond)} deliveries/s (${number(hooks.drain.tablecast.deliveries)} deliveries, ${number(hooks.drain.tablecast.changesPerSecond)} changes/s) in ${hooks.drain.tablecast.seconds} s | raw \`fetch\` loop, same bodies: ${number(hooks.drain.baseline.deliveriesPerSecond)} posts/s, round trip p50 ${hooks.drain.baseline.roundTripP50Ms} ms, p99 ${hooks.drain.baseline.roundTripP99Ms} ms | ${Math.round(hooks.drain.ratio * 100)}% of the raw loop's deliveries/s |`,
  ];
}

function fullLoadRows(result: FullLoadResult | undefined): string[] {
  if (!result) return [];
  return [
    `| Acumatica full load: ${number(result.rows)} rows from the fake instance over HTTP, pages of ${number(result.pageSize)}, fresh table (${result.runs} runs) | median ${number(result.tablecast.medianMs)} ms (${number(result.tablecast.rowsPerSecond)} rows/s: read, keyed, written page by page through the DataWriter, change log, events) | the fake's own read rate (same pages, fetch + JSON.parse, nothing written): median ${number(result.fakeRead.medianMs)} ms (${number(result.fakeRead.rowsPerSecond)} rows/s) | ${Math.round(result.ratio * 100)}% of the fake's read rate |`,
  ];
}

function describeMachine(machine: Machine): string {
  return `${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.postgres} (${machine.database === 'embedded' ? 'embedded' : 'DATABASE_URL server'}), ${machine.date}`;
}

function sdkResumeSection(result: (SdkResumeResult & { machine?: string }) | undefined): string[] {
  if (!result) return [];
  const cell = (r: SdkResumeResult['sdk']) =>
    `median ${number(r.medianMs)} ms, p95 ${number(r.p95Ms)} ms (${number(r.changesPerSecond)} changes/s)`;
  return [
    ...(result.machine ? [`SDK resume measured on: ${result.machine}`, ''] : []),
    '| scenario | @tablecast/client (SDK) | baseline (raw socket.io-client) | SDK vs baseline |',
    '| --- | --- | --- | --- |',
    `| catch up ${number(result.changes)} missed changes (${result.sdk.runs} runs) | ${cell(result.sdk)} | ${cell(result.raw)} | ${result.ratio}× the baseline's time |`,
    '',
    'SDK: a new `TablecastClient` restores the table (10,000 records) from its MemoryStore, subscribes from the stored seq and applies',
    'every missed change (seq checks, the id-ordered copy, store writes); timed from `new TablecastClient` until its last applied seq is',
    'the head. Baseline: a new socket.io-client connection subscribes with the same `since` and puts each change in a Map. The changes',
    'are written beforehand, while no client is connected, by a load generator in its own process; both clients share the bench',
    'process with the app.',
    '',
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  log(process.env.DATABASE_URL ? 'creating a database on the DATABASE_URL server' : 'starting an embedded PostgreSQL');
  database = await startDatabase();
  log('booting the app');
  app = await bootApp(database.url);
  const session = await createSession(app.api);

  const machine: Machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    postgres: await postgresVersion(database.url),
    database: database.kind,
    date: new Date().toISOString(),
  };

  // `npm run bench -- sdk-resume` runs only that scenario and keeps the other results of the last run.
  const only = process.argv.slice(2);
  const previous: Partial<Results> =
    only.length && existsSync(join(RESULTS_DIR, 'latest.json')) ? JSON.parse(readFileSync(join(RESULTS_DIR, 'latest.json'), 'utf8')) : {};
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  const bulkNotification = wanted('bulk-notification') ? await runBulkNotification(session, database.url) : previous.bulkNotification!;
  const smallNotifications = wanted('small-notifications')
    ? await runSmallNotifications(session, database.url)
    : previous.smallNotifications!;
  const sdkResume = wanted('sdk-resume')
    ? { ...(await runSdkResume(app.api, app.url, session)), machine: describeMachine(machine) }
    : previous.sdkResume;
  const webhooks = wanted('webhooks') ? await runWebhooks(session) : previous.webhooks;
  const fullLoad = wanted('full-load') ? await runFullLoad(session) : previous.fullLoad;
  const results: Results = {
    machine: only.length && previous.machine ? previous.machine : machine,
    bulkNotification,
    smallNotifications,
    sdkResume,
    webhooks,
    fullLoad,
  };

  mkdirSync(RESULTS_DIR, { recursive: true });
  const report = markdown(results);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), report);
  await cleanUp();
  process.stdout.write(report);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; results in bench/results/latest.{json,md}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await cleanUp();
    process.exit(1);
  },
);
