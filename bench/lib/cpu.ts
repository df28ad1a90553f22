import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Client } from 'pg';

/** Linux clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
const TICKS = 100;

/** User + system CPU seconds a live process has used so far (0 when it is gone or unreadable). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size of a live process, in KiB, from /proc/<pid>/status VmRSS. */
export function rssKib(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/**
 * CPU of the bench database's PostgreSQL backends: the sum of utime+stime of every backend of that
 * database (pg_stat_activity), so other databases on a shared server are not counted. A backend
 * that exits between two samples loses what it used after the first one.
 */
export class PostgresCpu {
  private constructor(private readonly client: Client) {}

  static async connect(databaseUrl: string): Promise<PostgresCpu> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'bench-cpu-monitor' });
    await client.connect();
    return new PostgresCpu(client);
  }

  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    return new Map(rows.map(({ pid }) => [pid, processCpuSeconds(pid)]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/**
 * Accumulates the CPU of backends sampled now and then: per pid, the last value seen minus the
 * first (0 for a backend born after the first sample), so a backend that exits between two
 * samples loses only what it used since the last one.
 */
export class PostgresCpuTracker {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;

  add(sample: Map<number, number>): void {
    for (const [pid, seconds] of sample) {
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : seconds);
      if (seconds > 0) this.last.set(pid, seconds);
    }
    this.started = true;
  }

  total(): number {
    let total = 0;
    for (const [pid, seconds] of this.last) total += Math.max(0, seconds - (this.first.get(pid) ?? 0));
    return total;
  }
}

/** Cores used, per side, over one measured phase; `note` names the side closest to saturation. */
export interface Bottleneck {
  wallSeconds: number;
  serverCores: number;
  postgresCores: number;
  generatorCores: number;
  loadAverage: number[];
  note: string;
}

export interface CpuWatch {
  stop(): Promise<Bottleneck>;
}

/**
 * Starts watching the CPU of the server processes, the load generators / baseline processes and
 * the bench database's PostgreSQL backends; `stop()` gives cores (CPU seconds per wall second) of each.
 */
export async function watchCpu(pg: PostgresCpu, serverPids: number[], generatorPids: number[]): Promise<CpuWatch> {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + processCpuSeconds(pid), 0);
  const started = performance.now();
  const server0 = sum(serverPids);
  const generators0 = sum(generatorPids);
  const tracker = new PostgresCpuTracker();
  tracker.add(await pg.sample());
  // Backends come and go (a generator's own connections): sample them every 200 ms.
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => pg.sample().then((sample) => tracker.add(sample), () => undefined));
  }, 200);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      tracker.add(await pg.sample());
      const wallSeconds = (performance.now() - started) / 1000;
      const cores = (seconds: number) => Math.round((seconds / wallSeconds) * 100) / 100;
      const result = {
        wallSeconds: Math.round(wallSeconds * 10) / 10,
        serverCores: cores(sum(serverPids) - server0),
        postgresCores: cores(tracker.total()),
        generatorCores: cores(sum(generatorPids) - generators0),
        loadAverage: loadAverage(),
      };
      return { ...result, note: describe(result, serverPids.length) };
    },
  };
}

/** A Node process is single-threaded for JavaScript: ≥ 0.85 of a core per process is saturated. */
function describe(b: Omit<Bottleneck, 'note'>, servers: number): string {
  const parts: string[] = [];
  if (servers > 0 && b.serverCores >= 0.85 * servers) parts.push('server CPU-bound (its event loop at a full core)');
  if (b.generatorCores >= 0.85) parts.push('load generators busy (≥ 0.85 core)');
  const cores = availableParallelism();
  if (b.serverCores + b.postgresCores + b.generatorCores >= 0.85 * cores) parts.push(`machine near its ${cores} cores`);
  if (b.loadAverage[0] > cores) parts.push(`machine oversubscribed (load average ${b.loadAverage[0].toFixed(1)} on ${cores} cores): every side also waits for a CPU`);
  if (parts.length === 0) parts.push('no side saturated: time goes to waiting (round trips, locks, commits)');
  return parts.join('; ');
}
