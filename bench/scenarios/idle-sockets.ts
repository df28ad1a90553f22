import { BenchContext, measured } from '../lib/context';
import { rssKib } from '../lib/cpu';
import { SocketFleet } from '../lib/fleet';
import { num, Phase, Row, ScenarioResult, times } from '../lib/report';
import { startServer } from '../lib/server';
import { createTables } from '../lib/tables';
import { Worker } from '../lib/worker';
import { BENCH_ADMIN_TOKEN } from '../setup';
import { log, round } from '../stats';

const TABLES = 20;
const SETTLE_MS = 2000;

interface Held {
  sockets: number;
  held: number;
  connectMs: number;
  rssBeforeKib: number;
  rssAfterKib: number;
  kibPerSocket: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects `sockets` subscribed sockets to a freshly started process and reads its VmRSS before and after. */
async function hold(context: BenchContext, phases: Phase[], label: string, fleet: SocketFleet, url: string, pid: number, sockets: number, tables: { organizationId: string; solutionId: string; table: string }[], extra: Worker[]): Promise<Held> {
  await pause(SETTLE_MS);
  const rssBeforeKib = rssKib(pid);
  const connected = await measured(context, phases, label, [{ pid }], [...fleet.workers, ...extra], () =>
    fleet.connect({ url, tokens: context.tokens, clients: sockets, tables, latencies: false, batch: 250 }),
  );
  const connectMs = connected.ms;
  if (connected.failed) log(`${label}: ${connected.failed} sockets refused (${connected.firstError})`);
  await pause(SETTLE_MS);
  const held = (await fleet.counts()).clients;
  const rssAfterKib = rssKib(pid);
  await fleet.disconnect();
  const result = { sockets, held, connectMs, rssBeforeKib, rssAfterKib, kibPerSocket: round((rssAfterKib - rssBeforeKib) / held, 1) };
  log(`${label}: ${held}/${sockets} sockets held, RSS ${num(rssBeforeKib / 1024)} → ${num(rssAfterKib / 1024)} MiB, ${result.kibPerSocket} KiB per socket`);
  return result;
}

/** idle-sockets: 15,000 subscribed sockets held by a fresh Tablecast process vs a fresh raw socket.io server; RSS per connection. */
export async function runIdleSockets(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const sockets = context.quick ? 1000 : 15_000;
  const tables = await createTables(
    context.session,
    Array.from({ length: TABLES }, (_, i) => `idle-${i + 1}`),
  );
  const fleet = await context.shared.sockets();
  {
    const node = await startServer({ databaseUrl: context.databaseUrl, adminToken: BENCH_ADMIN_TOKEN, label: 'idle-sockets node' });
    let tablecast: Held;
    try {
      tablecast = await hold(context, phases, `Tablecast, ${num(sockets)} sockets`, fleet, node.url, node.pid, sockets, tables, []);
    } finally {
      await node.stop();
    }
    const raw = await Worker.start('baselines/raw-server', 'raw-server');
    let baseline: Held;
    try {
      const { port } = await raw.call<{ port: number }>('start', { databaseUrl: context.databaseUrl, solutionId: context.session.solutionId });
      baseline = await hold(context, phases, `raw socket.io, ${num(sockets)} sockets`, fleet, `http://127.0.0.1:${port}`, raw.pid, sockets, tables, [raw]);
    } finally {
      await raw.call('stop').catch(() => undefined);
      await raw.close();
    }
    const ratio = round(tablecast.kibPerSocket / baseline.kibPerSocket, 2);
    const describe = (h: Held) =>
      `${num(h.held)}/${num(h.sockets)} held; ${h.kibPerSocket} KiB RSS per connection (VmRSS ${num(h.rssBeforeKib / 1024)} → ${num(h.rssAfterKib / 1024)} MiB; connected in ${num(h.connectMs / 1000)} s)`;
    const row: Row = {
      scenario: `${num(sockets)} idle subscribed sockets (${TABLES} tables)`,
      tablecast: describe(tablecast),
      baseline: `raw socket.io server, sockets in rooms: ${describe(baseline)}`,
      ratio: times(ratio),
      goal: 'all held, ≤ 1.5× per connection',
      met: tablecast.held === sockets && ratio <= 1.5,
    };
    return { name: 'idle-sockets', measuredAt: new Date().toISOString(), rows: [row], phases, data: { tablecast, baseline, ratio } };
  }
}
