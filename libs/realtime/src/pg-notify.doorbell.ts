import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAX_NOTIFY_PAYLOAD, PgChannel } from '@tablecast/database';
import { Doorbell, isRing, OriginRing } from './doorbell';

const CHANNEL = 'tablecast_table_changed';

/** The doorbell through PostgreSQL alone: NOTIFY after commit, one LISTEN connection per node. */
export class PgNotifyDoorbell implements Doorbell {
  private readonly logger = new Logger('PgNotifyDoorbell');
  private readonly channel: PgChannel;
  private pending: string[] = [];
  /** The NOTIFY on its way: rings meanwhile wait for it and go out together (each NOTIFY is a commit of its own). */
  private inFlight?: Promise<void>;
  private stopped = false;

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

  /** At once when no NOTIFY is in flight: no fixed delay under light load, one NOTIFY per round trip under heavy load. */
  ring(ring: OriginRing): void {
    if (this.stopped) return;
    this.pending.push(JSON.stringify(ring));
    if (!this.inFlight) this.flush();
  }

  private flush(): void {
    const events = this.pending.splice(0, this.pending.length);
    const sent: Promise<void>[] = [];
    while (events.length > 0) {
      const batch: string[] = [];
      let size = 2;
      while (events.length > 0 && (batch.length === 0 || size + events[0].length + 1 <= MAX_NOTIFY_PAYLOAD)) {
        size += events[0].length + 1;
        batch.push(events.shift()!);
      }
      sent.push(
        this.channel.notify(`[${batch.join(',')}]`).catch((error: unknown) => this.logger.warn(`could not ring the doorbell: ${String(error)} (the sweep will deliver)`)),
      );
    }
    this.inFlight = Promise.all(sent).then(() => {
      this.inFlight = undefined;
      if (this.pending.length > 0 && !this.stopped) this.flush();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = [];
    await this.inFlight;
    await this.channel.stop();
  }
}
