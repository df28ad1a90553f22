import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { cdcConfig } from '@tablecast/config';
import { TransactionRunner } from '@tablecast/database';
import { AcumaticaRepository, DeliveryRecord } from './acumatica.repository';

const FLUSH_MS = 200;
const MAX_BATCH = 500;

/**
 * The delivery audit, written in batches off the request path: one statement per batch instead of
 * a commit per notification. Deliveries still buffered when the process is killed are lost from
 * the audit (never from the data).
 */
@Injectable()
export class DeliveryAudit implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryAudit.name);
  private buffer: DeliveryRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: AcumaticaRepository,
    private readonly transactions: TransactionRunner,
    @Inject(cdcConfig.KEY) private readonly config: ConfigType<typeof cdcConfig>,
  ) {}

  record(delivery: DeliveryRecord): void {
    this.buffer.push(delivery);
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0, this.buffer.length);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.transactions.run((manager) => this.repository.recordDeliveries(manager, batch, this.config.deliveriesKept)))
      .catch((error: unknown) => this.logger.warn(`could not record ${batch.length} deliveries: ${String(error)}`));
    return this.flushing;
  }

  /** Before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
