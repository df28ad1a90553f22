import { ClientStats, ConnectArgs, TableAddress } from '../gen/socket-clients';
import { closeAll, startWorkers, Worker } from './worker';

type Counts = Omit<ClientStats, 'latencies'>;

export interface Connected {
  ms: number;
  connected: number;
  failed: number;
  firstError?: string;
}

/** socket.io-client processes holding many subscribed sockets between them. */
export class SocketFleet {
  private constructor(readonly workers: Worker[]) {}

  static async start(processes: number): Promise<SocketFleet> {
    return new SocketFleet(await startWorkers('gen/socket-clients', processes, 'sockets'));
  }

  /** Spreads `clients` over the processes; client i of the fleet subscribes to tables[i % tables.length]. */
  async connect(args: Omit<ConnectArgs, 'clients' | 'tables'> & { clients: number; tables: TableAddress[] }): Promise<Connected> {
    const started = performance.now();
    const n = this.workers.length;
    let offset = 0;
    const results = await Promise.all(
      this.workers.map((worker, w) => {
        const share = Math.floor(args.clients / n) + (w < args.clients % n ? 1 : 0);
        const call = worker.call<{ connected: number; failed: number; firstError?: string }>('connect', { ...args, clients: share, offset });
        offset += share;
        return call;
      }),
    );
    return {
      ms: Math.round(performance.now() - started),
      connected: results.reduce((sum, r) => sum + r.connected, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError,
    };
  }

  async reset(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('reset')));
  }

  async counts(): Promise<Counts> {
    const all = await Promise.all(this.workers.map((worker) => worker.call<Counts>('counts')));
    return all.reduce((sum, c) => ({
      clients: sum.clients + c.clients,
      delivered: sum.delivered + c.delivered,
      gaps: sum.gaps + c.gaps,
      resubscribes: sum.resubscribes + c.resubscribes,
      lastAt: Math.max(sum.lastAt, c.lastAt),
    }));
  }

  async latencies(): Promise<number[]> {
    const all = await Promise.all(this.workers.map((worker) => worker.call<ClientStats>('stats')));
    return all.flatMap((s) => s.latencies);
  }

  /** Polls until `target` deliveries in all, `timeoutMs`, or no progress for `idleMs`. */
  async waitDelivered(target: number, timeoutMs: number, idleMs = 5000): Promise<Counts> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const c = await this.counts();
      if (c.delivered >= target || Date.now() > deadline) return c;
      if (c.delivered !== last) {
        last = c.delivered;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > idleMs) return c;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('close')));
  }

  close(): Promise<void> {
    return closeAll(this.workers);
  }
}
