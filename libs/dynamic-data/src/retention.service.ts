import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { dataConfig } from '@tablecast/config';
import { RetentionRepository } from './retention.repository';

const BATCH = 5000;
const MAX_BATCHES_PER_SWEEP = 200;

export type PurgeTask = (cutoff: Date, batch: number) => Promise<number>;

/**
 * Purges changes and tombstones older than RETENTION_DAYS, in bounded batches, on a schedule.
 * Other libs register their own purges (e.g. Acumatica's dedupe marks) with `register`.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly tasks = new Map<string, PurgeTask>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(dataConfig.KEY) private readonly config: ConfigType<typeof dataConfig>,
    repository: RetentionRepository,
  ) {
    this.register('changes', (cutoff, batch) => repository.purgeChanges(cutoff, batch));
    this.register('tombstones', (cutoff, batch) => repository.purgeTombstones(cutoff, batch));
  }

  register(name: string, task: PurgeTask): void {
    this.tasks.set(name, task);
  }

  onModuleInit(): void {
    if (this.config.retentionSweepMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), this.config.retentionSweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep with the configured cutoff; overlapping sweeps are skipped. */
  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = this.purgeOlderThan(new Date(Date.now() - this.config.retentionMs))
      .then((purged) => {
        if (Object.values(purged).some((n) => n > 0)) this.logger.log(`retention purge: ${JSON.stringify(purged)}`);
      })
      .catch((error: unknown) => this.logger.warn(`retention purge failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  /** Purges everything older than `cutoff`, batch by batch; returns the counts per kind. */
  async purgeOlderThan(cutoff: Date): Promise<Record<string, number>> {
    const purged: Record<string, number> = {};
    for (const [name, task] of this.tasks) {
      purged[name] = 0;
      for (let i = 0; i < MAX_BATCHES_PER_SWEEP; i++) {
        const n = await task(cutoff, BATCH);
        purged[name] += n;
        if (n < BATCH) break;
      }
    }
    return purged;
  }
}
