import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAX_NOTIFY_PAYLOAD, PgChannel } from '@tablecast/database';
import { Doorbell, isRing, OriginRing } from './doorbell';

const CHANNEL = 'tablecast_table_changed';
/** Rings within this window go out as one NOTIFY (each NOTIFY is a commit of its own). */
const BATCH_MS = 5;

/** The doorbell through PostgreSQL alone: NOTIFY after commit, one LISTEN connection per node. */
export class PgNotifyDoorbell implements Doorbell {
  private readonly logger = new Logger('PgNotifyDoorbell');
  private readonly channel: PgChannel;
  private pending: string[] = [];
  private flushTimer?: NodeJS.Timeout;

  constructor(url: string, dataSource: DataSource) {
    this.channel = new PgChannel(url, dataSource, CHANNEL);
  }

  start(onRing: (ring: OriginRing) => void, onReconnect: () => void): Promise<void> {
    return this.channel.listen((payload) => {
      let events: unknown;
      try {
        events = JSON.parse(payload);
      } catch {
        return this.logger.warn('ignored a malformed table-changed notification');
      }
      for (const event of Array.isArray(events) ? events : [events]) if (isRing(event)) onRing(event);
    }, onReconnect);
  }

  ring(ring: OriginRing): void {
    this.pending.push(JSON.stringify(ring));
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.pending.splice(0, this.pending.length);
    while (events.length > 0) {
      const batch: string[] = [];
      let size = 2;
      while (events.length > 0 && (batch.length === 0 || size + events[0].length + 1 <= MAX_NOTIFY_PAYLOAD)) {
        size += events[0].length + 1;
        batch.push(events.shift()!);
      }
      this.channel
        .notify(`[${batch.join(',')}]`)
        .catch((error: unknown) => this.logger.warn(`could not ring the doorbell: ${String(error)} (the sweep will deliver)`));
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.pending = [];
    await this.channel.stop();
  }
}
