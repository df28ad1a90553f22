import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { BenchSession, http } from '../setup';
import { log, percentile, round } from '../stats';

const TABLES = 4;

interface TablecastPhase {
  deliveries: number;
  deliveriesPerSecond: number;
  changesPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  seconds: number;
}

interface BaselinePhase {
  deliveries: number;
  deliveriesPerSecond: number;
  roundTripP50Ms: number;
  roundTripP99Ms: number;
  seconds: number;
}

export interface WebhooksResult {
  tables: number;
  changes: number;
  /** Live: changes delivered while 4 REST writers make them (bound by the write rate; latency is the figure). */
  tablecast: TablecastPhase;
  baseline: BaselinePhase;
  /** Tablecast deliveries/s over the raw fetch loop's. */
  ratio: number;
  /** Backlog: as many changes written while the webhook was disabled, then drained (≤ 100 per delivery). */
  drain: { tablecast: TablecastPhase; baseline: BaselinePhase; ratio: number };
}

interface ReceiverStats {
  deliveries: number;
  changes: number;
  latenciesMs: number[];
  firstAt: number;
  lastAt: number;
  bodies: { table: string; body: string }[];
}

function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', listener);
      resolve(message[key] as T);
    };
    child.on('message', listener);
    child.send({ cmd });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Writes 4 × changesPerTable (500) changes through REST (4 writers, one table each) to a solution with one webhook
 * whose receiver runs in its own process; measures deliveries/s and commit→receiver latency per
 * change. Baseline: a raw `fetch` loop posting the same bodies (one in flight per table, like the
 * webhook's ordering) to the same receiver.
 */
export async function runWebhooks(session: BenchSession, changesPerTable = 500): Promise<WebhooksResult> {
  const receiver = fork(join(__dirname, 'webhooks-receiver.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
    const url = `http://127.0.0.1:${port}/hook`;
    const tables = Array.from({ length: TABLES }, (_, i) => `hooks${i + 1}`);
    for (const name of tables) {
      const res = await http('POST', `${session.solutionUrl}/tables`, session.token, { name });
      if (res.status !== 201) throw new Error(`create table: ${res.status} ${res.text}`);
    }
    const hook = await http('POST', `${session.solutionUrl}/webhooks`, session.token, { url });
    if (hook.status !== 201) throw new Error(`create webhook: ${hook.status} ${hook.text}`);

    const write = (round: number) =>
      Promise.all(
        tables.map(async (name) => {
          for (let i = 0; i < changesPerTable; i++) {
            const res = await http('PUT', `${session.solutionUrl}/tables/${name}/records/r${i}`, session.token, { data: { i, round } });
            if (res.status >= 300) throw new Error(`write: ${res.status} ${res.text}`);
          }
        }),
      );
    const total = TABLES * changesPerTable;
    const delivered = async (started: number): Promise<{ stats: ReceiverStats; phase: TablecastPhase }> => {
      await waitFor(async () => (await ask<ReceiverStats>(receiver, 'stats', 'stats')).changes >= total, 120_000, 'every change delivered');
      const stats = await ask<ReceiverStats>(receiver, 'stats', 'stats');
      const seconds = (stats.lastAt - started) / 1000;
      return {
        stats,
        phase: {
          deliveries: stats.deliveries,
          deliveriesPerSecond: round(stats.deliveries / seconds),
          changesPerSecond: round(stats.changes / seconds),
          latencyP50Ms: percentile(stats.latenciesMs, 50),
          latencyP99Ms: percentile(stats.latenciesMs, 99),
          seconds: round(seconds, 2),
        },
      };
    };
    /** The same bodies, posted by a raw fetch loop: one in flight per table, tables in parallel. */
    const rawLoop = async (bodies: ReceiverStats['bodies']): Promise<BaselinePhase> => {
      await ask(receiver, 'reset', 'reset');
      const roundTrips: number[] = [];
      const started = performance.now();
      await Promise.all(
        tables.map(async (name) => {
          for (const { body } of bodies.filter((b) => b.table === name)) {
            const t0 = performance.now();
            const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            await res.text();
            roundTrips.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      return {
        deliveries: roundTrips.length,
        deliveriesPerSecond: round(roundTrips.length / seconds),
        roundTripP50Ms: round(percentile(roundTrips, 50), 2),
        roundTripP99Ms: round(percentile(roundTrips, 99), 2),
        seconds: round(seconds, 2),
      };
    };
    const hookUrl = `${session.solutionUrl}/webhooks/${hook.body.id}`;

    log(`webhooks: ${TABLES} writers × ${changesPerTable} changes, delivered live to a receiver process`);
    const liveStart = Date.now();
    await write(1);
    const live = await delivered(liveStart);
    log(`webhooks: raw fetch of the same ${live.stats.bodies.length} bodies`);
    const liveBaseline = await rawLoop(live.stats.bodies);

    log(`webhooks: ${total} changes written while disabled, then drained`);
    await http('PATCH', hookUrl, session.token, { enabled: false });
    await write(2);
    await ask(receiver, 'reset', 'reset');
    const drainStart = Date.now();
    await http('PATCH', hookUrl, session.token, { enabled: true });
    const drain = await delivered(drainStart);
    const drainBaseline = await rawLoop(drain.stats.bodies);

    return {
      tables: TABLES,
      changes: total,
      tablecast: live.phase,
      baseline: liveBaseline,
      ratio: round(live.phase.deliveriesPerSecond / liveBaseline.deliveriesPerSecond, 3),
      drain: {
        tablecast: drain.phase,
        baseline: drainBaseline,
        ratio: round(drain.phase.deliveriesPerSecond / drainBaseline.deliveriesPerSecond, 3),
      },
    };
  } finally {
    receiver.send({ cmd: 'stop' });
    receiver.kill();
  }
}
