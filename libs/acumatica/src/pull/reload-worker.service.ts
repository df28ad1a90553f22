import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { pullConfig } from '@tablecast/config';
import PgBoss from 'pg-boss';
import { PullRepository } from './pull.repository';
import { ReloadRunner } from './reload-runner';

/** Whether this process runs reloads (the API) or only queues them (the CLI). */
export const RELOAD_WORKER = Symbol('RELOAD_WORKER');
const QUEUE = 'acumatica-reload';
/** Reloads one node runs at once. */
const CONCURRENCY = 4;

/**
 * Durable reload jobs on pg-boss (its schema installed by its own installer at start), inside the
 * API process. The reload rows are the truth; a job only says "run reload X". A node runs a reload
 * while holding its run lock (an advisory lock on a connection of its own), so two nodes never run
 * the same reload, and a node that dies releases it with its connection. Each node's sweep re-sends
 * queued reloads and running ones whose lock is free (their node died), and starts due schedules.
 */
@Injectable()
export class ReloadWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AcumaticaReload');
  private boss: PgBoss | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(
    private readonly repository: PullRepository,
    private readonly runner: ReloadRunner,
    @Inject(pullConfig.KEY) private readonly config: ConfigType<typeof pullConfig>,
    @Inject(RELOAD_WORKER) private readonly worker: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.worker) return;
    const boss = new PgBoss({
      db: this.repository.jobDatabase() as PgBoss.Db,
      schema: 'pgboss',
      schedule: false,
    });
    boss.on('error', (error: Error) => this.logger.warn(`pg-boss: ${error.message}`));
    await boss.start();
    await boss.createQueue(QUEUE, { name: QUEUE, policy: 'standard', retryLimit: 0 });
    for (let i = 0; i < CONCURRENCY; i++) {
      await boss.work<{ reloadId: string }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        await this.handle(job.data.reloadId).catch((error: unknown) => this.logger.error(`reload ${job.data.reloadId}: ${String(error)}`));
      });
    }
    this.boss = boss;
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.sweepMs);
    this.sweepTimer.unref();
    await this.sweep();
  }

  /** Graceful shutdown: no new jobs; running reloads stop after their page, sign out, and go back to the queue. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    for (const run of this.running.values()) run.stop.abort('shutdown');
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
    await this.boss?.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
  }

  /** Asks for a run now (the sweep would find it too). */
  async dispatch(reloadId: string): Promise<void> {
    if (!this.boss || this.stopping) return;
    await this.boss.send(QUEUE, { reloadId });
  }

  /** Cancels a run on this node at once (other nodes see the status at their next page or check). */
  abortLocal(reloadId: string): void {
    this.running.get(reloadId)?.stop.abort('cancel');
  }

  private async handle(reloadId: string): Promise<void> {
    if (this.stopping) return;
    const release = await this.repository.tryHoldRunLock(reloadId);
    if (!release) return; // another runner (this node or another) has it
    const stop = new AbortController();
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    this.running.set(reloadId, { stop, done });
    const watch = setInterval(() => {
      this.repository.isRunning(reloadId).then(
        (running) => running || stop.abort('cancel'),
        (error: unknown) => this.logger.warn(`reload ${reloadId}: status check failed: ${String(error)}`),
      );
    }, 1000);
    try {
      const job = await this.repository.start(reloadId, this.config.maxAttempts);
      if (!job) {
        await this.repository.failExhausted(
          reloadId,
          `The reload was interrupted ${this.config.maxAttempts} times (node crashes or restarts) and is not run again.`,
        );
        return;
      }
      await this.runner.run(job, stop);
    } finally {
      clearInterval(watch);
      this.running.delete(reloadId);
      resolveDone();
      await release();
    }
  }

  private async sweep(): Promise<void> {
    if (this.stopping) return;
    try {
      for (const { table_id } of await this.repository.claimDue())
        await this.repository.createReload(crypto.randomUUID(), table_id, 'compare');
      for (const id of await this.repository.toDispatch()) if (!this.running.has(id)) await this.dispatch(id);
    } catch (error) {
      if (!this.stopping) this.logger.warn(`reload sweep failed: ${String(error)}`);
    }
  }
}
