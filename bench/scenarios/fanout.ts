import { PushSummary } from '../gen/pusher';
import { BenchContext, measured } from '../lib/context';
import { SocketFleet } from '../lib/fleet';
import { ms, num, Phase, Row, ScenarioResult, times } from '../lib/report';
import { cdcPath, createTables } from '../lib/tables';
import { Worker } from '../lib/worker';
import { log, round } from '../stats';

const DRIVER_RATE = 50;
const PROBE_RATE = 20;

interface FanoutFigures {
  clients: number;
  pushes: number;
  delivered: number;
  expected: number;
  seconds: number;
  deliveriesPerSecond: number;
  outOfOrder: number;
  resubscribes: number;
  connectMs: number;
  probe?: PushSummary;
}

interface Side {
  socketUrl: string;
  origin: string;
  path: string;
  token?: string;
  servers: { pid: number }[];
  workers: Worker[];
}

/**
 * `clients` sockets subscribed to one table; `pushes` one-row notifications at DRIVER_RATE/s
 * (more than either side can fan out); deliveries/s from the first push to the last delivery.
 * With `probe`, a second pusher sends PROBE_RATE/s one-row notifications to another table
 * meanwhile and its ack latencies are kept.
 */
async function fanout(
  context: BenchContext,
  phases: Phase[],
  label: string,
  fleet: SocketFleet,
  side: Side,
  table: string,
  clients: number,
  pushes: number,
  probe?: Worker,
): Promise<FanoutFigures> {
  const address = side.token
    ? (await createTables(context.session, [table]))[0]
    : { organizationId: context.session.organizationId, solutionId: context.session.solutionId, table };
  const connected = await fleet.connect({ url: side.socketUrl, tokens: context.tokens, clients, tables: [address], latencies: false, batch: 250 });
  const connectMs = connected.ms;
  log(`${label}: ${connected.connected} sockets subscribed in ${connectMs} ms${connected.failed ? `, ${connected.failed} failed (${connected.firstError})` : ''}`);
  const driver = await context.shared.pusher(1);
  try {
    await fleet.reset();
    const expected = connected.connected * pushes;
    const { summary, counts, probeSummary } = await measured(context, phases, label, side.servers, [driver, ...fleet.workers, ...side.workers, ...(probe ? [probe] : [])], async () => {
      if (probe) await probe.call('start', { origin: side.origin, path: side.path, token: side.token, tables: ['probe'], rate: PROBE_RATE, seconds: 120, prefix: 'probe' });
      const summary = await driver.call<PushSummary>('run', { origin: side.origin, path: side.path, token: side.token, tables: [table], rate: DRIVER_RATE, count: pushes, prefix: table });
      const counts = await fleet.waitDelivered(connected.connected * summary.ok, context.quick ? 20_000 : 60_000, 5000);
      const probeSummary = probe ? await probe.call<PushSummary>('finish', { stop: true }) : undefined;
      return { summary, counts, probeSummary };
    });
    if (summary.ok === 0) throw new Error(`${label}: no push succeeded (${summary.firstError})`);
    const seconds = (counts.lastAt - summary.firstSentAt) / 1000;
    const figures: FanoutFigures = {
      clients,
      pushes: summary.ok,
      delivered: counts.delivered,
      expected,
      seconds: round(seconds, 2),
      deliveriesPerSecond: Math.round(counts.delivered / seconds),
      outOfOrder: counts.gaps,
      resubscribes: counts.resubscribes,
      connectMs,
      probe: probeSummary,
    };
    log(
      `${label}: ${num(figures.delivered)}/${num(expected)} deliveries in ${figures.seconds} s = ${num(figures.deliveriesPerSecond)}/s` +
        (probeSummary ? `; probe ack p50 ${probeSummary.ackP50Ms} ms, p99 ${probeSummary.ackP99Ms} ms` : ''),
    );
    return figures;
  } finally {
    await fleet.disconnect();
  }
}

const describe = (f: FanoutFigures) =>
  `${num(f.deliveriesPerSecond)} deliveries/s (${num(f.delivered)}/${num(f.expected)} in ${f.seconds} s${f.outOfOrder ? `, ${num(f.outOfOrder)} out of order` : ''}${f.resubscribes ? `, ${num(f.resubscribes)} resubscribes` : ''})`;

/** fan-out: 1,000 and 5,000 clients on one table, beside a raw socket.io room broadcast; and push acks during the larger one. */
export async function runFanout(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const sizes = context.quick ? [{ clients: 300, pushes: 20 }, { clients: 1000, pushes: 10 }] : [{ clients: 1000, pushes: 60 }, { clients: 5000, pushes: 24 }];
  const s = context.server;
  const tablecastSide: Side = { socketUrl: s.url, origin: s.url, path: cdcPath(context.session), token: context.session.token, servers: [s], workers: [] };
  await createTables(context.session, ['probe']);
  const fleet = await context.shared.sockets();
  const probe = await context.shared.pusher(2);
  const raw = await Worker.start('baselines/raw-server', 'raw-server');
  try {
    const { port } = await raw.call<{ port: number }>('start', { databaseUrl: context.databaseUrl, solutionId: context.session.solutionId });
    const rawSide: Side = { socketUrl: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, path: '/push', servers: [], workers: [raw] };
    log('fan-out: probe acks without fan-out');
    const alone = await measured(context, phases, `probe acks, ${PROBE_RATE}/s, no fan-out`, [s], [probe], () =>
      probe.call<PushSummary>('run', { origin: s.url, path: tablecastSide.path, token: context.session.token, tables: ['probe'], rate: PROBE_RATE, seconds: context.quick ? 2 : 5, prefix: 'probe-alone' }),
    );
    const rows: Row[] = [];
    const figures: { tablecast: FanoutFigures; baseline: FanoutFigures }[] = [];
    let largest: FanoutFigures | undefined;
    for (const [i, size] of sizes.entries()) {
      const last = i === sizes.length - 1;
      const tablecast = await fanout(context, phases, `Tablecast, ${num(size.clients)} clients`, fleet, tablecastSide, `fan-${size.clients}`, size.clients, size.pushes, last ? probe : undefined);
      const baseline = await fanout(context, phases, `raw socket.io, ${num(size.clients)} clients`, fleet, rawSide, `fan-${size.clients}`, size.clients, size.pushes);
      const ratio = round(tablecast.deliveriesPerSecond / baseline.deliveriesPerSecond, 2);
      figures.push({ tablecast, baseline });
      rows.push({
        scenario: `fan-out, ${num(size.clients)} clients on one table, ${size.pushes} one-row pushes at ${DRIVER_RATE}/s`,
        tablecast: describe(tablecast),
        baseline: `raw socket.io room broadcast, emit per change: ${describe(baseline)}`,
        ratio: times(ratio),
        goal: '≥ 0.8×',
        met: ratio >= 0.8,
      });
      if (last) largest = tablecast;
    }
    const during = largest!.probe!;
    const p50 = round(during.ackP50Ms / alone.ackP50Ms, 2);
    const p99 = round(during.ackP99Ms / alone.ackP99Ms, 2);
    rows.push({
      scenario: `push ack (${PROBE_RATE} one-row pushes/s to another table) during the ${num(largest!.clients)}-client fan-out`,
      tablecast: `during: p50 ${ms(during.ackP50Ms)}, p99 ${ms(during.ackP99Ms)} (${during.ok} acks${during.failed ? `, ${during.failed} failed` : ''})`,
      baseline: `without fan-out: p50 ${ms(alone.ackP50Ms)}, p99 ${ms(alone.ackP99Ms)} (${alone.ok} acks)`,
      ratio: `p50 ${times(p50)}, p99 ${times(p99)}`,
      goal: '≤ 2× without it',
      met: p50 <= 2 && p99 <= 2,
    });
    return { name: 'fan-out', measuredAt: new Date().toISOString(), rows, phases, data: { alone, figures } };
  } finally {
    await raw.call('stop').catch(() => undefined);
    await raw.close();
  }
}
