import { PushSummary } from '../gen/pusher';
import { BenchContext, measured } from '../lib/context';
import { ms, Phase, Row, ScenarioResult, times } from '../lib/report';
import { ServerProcess, startServer } from '../lib/server';
import { cdcPath, createTables } from '../lib/tables';
import { Worker } from '../lib/worker';
import { BENCH_ADMIN_TOKEN } from '../setup';
import { log, percentile, round } from '../stats';

const CLIENTS = 200;
const TABLES = 20;
const RATE = 100;

export interface LatencyFigures {
  pushes: number;
  samples: number;
  expected: number;
  p50Ms: number;
  p99Ms: number;
  ackP50Ms: number;
  ackP99Ms: number;
  gaps: number;
}

interface Target {
  /** Where the clients connect. */
  socketUrl: string;
  /** Where the pushes go. */
  origin: string;
  path: string;
  token?: string;
  servers: { pid: number }[];
  extraWorkers?: Worker[];
}

/** 200 clients (four processes) on 20 tables, 100 one-row pushes/s round robin; push → onTableChange per client. */
async function measure(context: BenchContext, phases: Phase[], label: string, target: Target, prefix: string): Promise<LatencyFigures> {
  const seconds = context.quick ? 1 : 6;
  const names = Array.from({ length: TABLES }, (_, i) => `lat-${i + 1}`);
  const tables = target.token ? await createTables(context.session, names) : names.map((table) => ({ organizationId: '', solutionId: '', table }));
  const fleet = await context.shared.sockets();
  const pusher = await context.shared.pusher(1);
  try {
    const connected = await fleet.connect({ url: target.socketUrl, tokens: context.tokens, clients: CLIENTS, tables, latencies: true });
    if (connected.failed) throw new Error(`${label}: ${connected.failed} of ${CLIENTS} clients could not subscribe (${connected.firstError})`);
    const push = { origin: target.origin, path: target.path, token: target.token, tables: names, rate: RATE };
    if (!context.quick) {
      await pusher.call('run', { ...push, seconds: 1, prefix: `${prefix}-warm` });
      await fleet.waitDelivered(Number.MAX_SAFE_INTEGER, 3000, 500);
    }
    await fleet.reset();
    const pushed = await measured(context, phases, label, target.servers, [pusher, ...fleet.workers, ...(target.extraWorkers ?? [])], async () => {
      const summary = await pusher.call<PushSummary>('run', { ...push, seconds, prefix });
      await fleet.waitDelivered(summary.ok * (CLIENTS / TABLES), 15_000, 3000);
      return summary;
    });
    if (pushed.ok === 0) throw new Error(`${label}: no push succeeded (${pushed.firstError})`);
    const latencies = await fleet.latencies();
    const counts = await fleet.counts();
    const expected = pushed.ok * (CLIENTS / TABLES);
    if (latencies.length < expected * 0.99) log(`${label}: only ${latencies.length} of ${expected} deliveries arrived`);
    const figures: LatencyFigures = {
      pushes: pushed.ok,
      samples: latencies.length,
      expected,
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      ackP50Ms: pushed.ackP50Ms,
      ackP99Ms: pushed.ackP99Ms,
      gaps: counts.gaps,
    };
    log(`${label}: push → onTableChange p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (${figures.samples}/${expected} deliveries, ack p50 ${figures.ackP50Ms} ms)`);
    return figures;
  } finally {
    await fleet.disconnect().catch(() => undefined);
  }
}

const describe = (f: LatencyFigures) =>
  `p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)} (${f.samples.toLocaleString('en-US')}/${f.expected.toLocaleString('en-US')} deliveries${f.gaps ? `, ${f.gaps} gaps` : ''}; ack p50 ${ms(f.ackP50Ms)})`;

async function withRawServer<T>(context: BenchContext, fn: (raw: Worker, port: number) => Promise<T>): Promise<T> {
  const raw = await Worker.start('baselines/raw-server', 'raw-server');
  try {
    const { port } = await raw.call<{ port: number }>('start', { databaseUrl: context.databaseUrl, solutionId: context.session.solutionId });
    return await fn(raw, port);
  } finally {
    await raw.call('stop').catch(() => undefined);
    await raw.close();
  }
}

/** latency: POST → onTableChange on one node, beside raw pg commit + socket.io emit. */
export async function runLatency(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const s = context.server;
  const tablecast = await measure(context, phases, 'Tablecast, one node', { socketUrl: s.url, origin: s.url, path: cdcPath(context.session), token: context.session.token, servers: [s] }, 'lat');
  const baseline = await withRawServer(context, (raw, port) =>
    measure(context, phases, 'raw pg + socket.io', { socketUrl: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, path: '/push', servers: [], extraWorkers: [raw] }, 'lat-raw'),
  );
  const ratio = round(tablecast.p50Ms / baseline.p50Ms, 2);
  const row: Row = {
    scenario: `POST → onTableChange, ${CLIENTS} clients on ${TABLES} tables, ${RATE} pushes/s`,
    tablecast: describe(tablecast),
    baseline: `raw pg commit + socket.io room emit: ${describe(baseline)}`,
    ratio: `p50 ${times(ratio)}`,
    goal: `p50 ≤ 1.5× the baseline's (${ms(round(baseline.p50Ms * 1.5, 2))}), p99 ≤ 25 ms`,
    met: ratio <= 1.5 && tablecast.p99Ms <= 25,
  };
  return { name: 'latency', measuredAt: new Date().toISOString(), rows: [row], phases, data: { tablecast, baseline, ratio } };
}

/** cross-node: the clients on node B, the pushes to node A (PostgreSQL NOTIFY; and Redis when it answers), beside one node. */
export async function runCrossNode(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const path = cdcPath(context.session);
  const token = context.session.token;
  const a = context.server;
  const one = await measure(context, phases, 'one node (reference)', { socketUrl: a.url, origin: a.url, path, token, servers: [a] }, 'x1');
  const variants: { name: string; figures: LatencyFigures }[] = [];
  const b = await startServer({ databaseUrl: context.databaseUrl, adminToken: BENCH_ADMIN_TOKEN, label: 'node B' });
  try {
    variants.push({ name: 'PostgreSQL NOTIFY', figures: await measure(context, phases, 'B ← A, PostgreSQL NOTIFY', { socketUrl: b.url, origin: a.url, path, token, servers: [a, b] }, 'xpg') });
  } finally {
    await b.stop();
  }
  if (context.redisUrl) {
    const nodes: ServerProcess[] = [];
    try {
      for (const label of ['node A (Redis)', 'node B (Redis)']) nodes.push(await startServer({ databaseUrl: context.databaseUrl, adminToken: BENCH_ADMIN_TOKEN, redisUrl: context.redisUrl, label }));
      const [ra, rb] = nodes;
      variants.push({ name: 'Redis', figures: await measure(context, phases, 'B ← A, Redis', { socketUrl: rb.url, origin: ra.url, path, token, servers: [ra, rb] }, 'xredis') });
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  } else log('cross-node: Redis does not answer at 127.0.0.1:6379, its variant is skipped');
  const rows: Row[] = variants.map(({ name, figures }) => {
    const ratio = round(figures.p50Ms / one.p50Ms, 2);
    return {
      scenario: `the same, clients on node B, pushes to node A (${name})`,
      tablecast: describe(figures),
      baseline: `one node, same run: ${describe(one)}`,
      ratio: `p50 ${times(ratio)} one node`,
      goal: `p50 ≤ 1.5× one node's (${ms(round(one.p50Ms * 1.5, 2))})`,
      met: ratio <= 1.5,
    };
  });
  return { name: 'cross-node', measuredAt: new Date().toISOString(), rows, phases, data: { one, variants } };
}
