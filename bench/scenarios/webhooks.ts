import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { BenchSession, http } from '../setup';
import { log, percentile, round } from '../stats';

const TABLES = 4;
const CHANGES_PER_TABLE = 500;

export interface WebhooksResult {
  tables: number;
  changes: number;
  tablecast: {
    deliveries: number;
    deliveriesPerSecond: number;
    changesPerSecond: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
    seconds: number;
  };
  baseline: { deliveries: number; deliveriesPerSecond: number; roundTripP50Ms: number; roundTripP99Ms: number; seconds: number };
  /** Tablecast deliveries/s over the raw fetch loop's. */
  ratio: number;
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
 * Writes 4 × 500 changes through REST (4 writers, one table each) to a solution with one webhook
 * whose receiver runs in its own process; measures deliveries/s and commit→receiver latency per
 * change. Baseline: a raw `fetch` loop posting the same bodies (one in flight per table, like the
 * webhook's ordering) to the same receiver.
 */
export async function runWebhooks(session: BenchSession): Promise<WebhooksResult> {
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

    log(`webhooks: ${TABLES} writers × ${CHANGES_PER_TABLE} changes, delivered to a receiver process`);
    const started = Date.now();
    await Promise.all(
      tables.map(async (name) => {
        for (let i = 0; i < CHANGES_PER_TABLE; i++) {
          const res = await http('PUT', `${session.solutionUrl}/tables/${name}/records/r${i}`, session.token, {
            data: { i, note: 'bench' },
          });
          if (res.status >= 300) throw new Error(`write: ${res.status} ${res.text}`);
        }
      }),
    );
    const total = TABLES * CHANGES_PER_TABLE;
    await waitFor(async () => (await ask<ReceiverStats>(receiver, 'stats', 'stats')).changes >= total, 120_000, 'every change delivered');
    const stats = await ask<ReceiverStats>(receiver, 'stats', 'stats');
    const seconds = (stats.lastAt - started) / 1000;

    log(`webhooks baseline: raw fetch of the same ${stats.bodies.length} bodies`);
    await ask(receiver, 'reset', 'reset');
    const roundTrips: number[] = [];
    const baseStart = performance.now();
    await Promise.all(
      tables.map(async (name) => {
        for (const { body } of stats.bodies.filter((b) => b.table === name)) {
          const t0 = performance.now();
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.text();
          roundTrips.push(performance.now() - t0);
        }
      }),
    );
    const baseSeconds = (performance.now() - baseStart) / 1000;
    const tablecast = {
      deliveries: stats.deliveries,
      deliveriesPerSecond: round(stats.deliveries / seconds),
      changesPerSecond: round(stats.changes / seconds),
      latencyP50Ms: percentile(stats.latenciesMs, 50),
      latencyP99Ms: percentile(stats.latenciesMs, 99),
      seconds: round(seconds, 2),
    };
    const baseline = {
      deliveries: roundTrips.length,
      deliveriesPerSecond: round(roundTrips.length / baseSeconds),
      roundTripP50Ms: round(percentile(roundTrips, 50), 2),
      roundTripP99Ms: round(percentile(roundTrips, 99), 2),
      seconds: round(baseSeconds, 2),
    };
    return {
      tables: TABLES,
      changes: total,
      tablecast,
      baseline,
      ratio: round(tablecast.deliveriesPerSecond / baseline.deliveriesPerSecond, 3),
    };
  } finally {
    receiver.send({ cmd: 'stop' });
    receiver.kill();
  }
}
