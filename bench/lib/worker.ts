import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(__dirname, 'worker-entry.ts');
const ROOT = join(__dirname, '../..');

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * A bench process of its own (load generator or baseline): a module under bench/ whose exported
 * async functions the orchestrator calls over IPC. Module state lives in that process.
 */
export class Worker {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly exited: Promise<void>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`${label}: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        for (const waiting of this.pending.values()) waiting.reject(new Error(`${label} exited (${code ?? signal})`));
        this.pending.clear();
        done();
      }),
    );
  }

  /** Forks `bench/<module>.ts` (relative to bench/) and waits until it is loaded. */
  static async start(module: string, label = module): Promise<Worker> {
    const child = fork(ENTRY, [join(ROOT, 'bench', module)], {
      cwd: ROOT,
      execArgv: ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new Worker(label, child);
    await worker.call('__ready');
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T = unknown>(fn: string, args?: unknown): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, fn, args });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Starts `count` workers of one module in parallel. */
export function startWorkers(module: string, count: number, label = module): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => Worker.start(module, `${label}#${i + 1}`)));
}

export async function closeAll(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.close()));
}
