import { BenchSession } from '../setup';
import { PostgresCpu, watchCpu } from './cpu';
import { Phase } from './report';
import { ServerProcess } from './server';
import { SocketFleet } from './fleet';
import { Worker } from './worker';

/** What every scenario gets from the orchestrator. */
export interface BenchContext {
  quick: boolean;
  databaseUrl: string;
  adminToken: string;
  /** The main server process (node A). */
  server: ServerProcess;
  session: BenchSession;
  /** Extra PATs of the session's organization (a token holds at most 1,000 sockets per node). */
  tokens: string[];
  redisUrl?: string;
  pgCpu: PostgresCpu;
  /** Load generators shared by the scenarios (started on first use, closed at the end): they cost seconds to start. */
  shared: SharedWorkers;
}

/** Socket client processes and pushers reused across scenarios. */
export class SharedWorkers {
  private fleet?: Promise<SocketFleet>;
  private readonly pushers = new Map<number, Promise<Worker>>();
  private readonly workers = new Map<string, Promise<Worker>>();

  /** One long-lived process of a bench module (e.g. 'gen/http-load'), started on first use. */
  worker(module: string): Promise<Worker> {
    let worker = this.workers.get(module);
    if (!worker) {
      worker = Worker.start(module);
      this.workers.set(module, worker);
    }
    return worker;
  }

  /** Four socket.io-client processes (each holds at most ~3,750 sockets, well under `ulimit -n` 20,000). */
  sockets(): Promise<SocketFleet> {
    this.fleet ??= SocketFleet.start(4);
    return this.fleet;
  }

  /** Pusher number `n` (a pusher runs one push schedule at a time). */
  pusher(n: number): Promise<Worker> {
    let pusher = this.pushers.get(n);
    if (!pusher) {
      pusher = Worker.start('gen/pusher', `pusher#${n}`);
      this.pushers.set(n, pusher);
    }
    return pusher;
  }

  async close(): Promise<void> {
    const all = [...this.pushers.values(), ...this.workers.values()];
    this.pushers.clear();
    this.workers.clear();
    const fleet = this.fleet;
    this.fleet = undefined;
    await Promise.all([...all.map(async (p) => (await p).close()), fleet?.then((f) => f.close())]);
  }
}

/** Runs `fn` while watching the CPU of the given servers and workers; appends the phase. */
export async function measured<T>(
  context: BenchContext,
  phases: Phase[],
  label: string,
  servers: { pid: number }[],
  workers: (Worker | { pid: number })[],
  fn: () => Promise<T>,
): Promise<T> {
  const watch = await watchCpu(
    context.pgCpu,
    servers.map((s) => s.pid),
    workers.map((w) => w.pid),
  );
  const result = await fn();
  phases.push({ label, cpu: await watch.stop() });
  return result;
}
