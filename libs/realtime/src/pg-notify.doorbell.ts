import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Doorbell, isRing, Ring } from './doorbell';

const CHANNEL = 'tablecast_table_changed';
const RECONNECT_MS = 1000;
/** Rings within this window go out as one NOTIFY (each NOTIFY is a commit of its own). */
const BATCH_MS = 5;
/** PostgreSQL's NOTIFY payload limit is 8000 bytes. */
const MAX_PAYLOAD = 7800;

/** The doorbell through PostgreSQL alone: NOTIFY after commit, one LISTEN connection per node. */
export class PgNotifyDoorbell implements Doorbell {
  private readonly logger = new Logger('PgNotifyDoorbell');
  private client?: Client;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private pending: string[] = [];
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly dataSource: DataSource,
  ) {}

  async start(onRing: (ring: Ring) => void, onReconnect: () => void): Promise<void> {
    const connect = async (): Promise<void> => {
      if (this.stopped) return;
      const client = new Client({ connectionString: this.url, application_name: 'tablecast-doorbell' });
      const retry = () => {
        client.removeAllListeners();
        client.on('error', () => undefined);
        void client.end().catch(() => undefined);
        if (this.client === client) this.client = undefined;
        if (!this.stopped) this.timer = setTimeout(() => void connect().then(onReconnect), RECONNECT_MS);
      };
      client.on('error', (error) => {
        this.logger.warn(`LISTEN connection lost: ${error.message}; reconnecting`);
        retry();
      });
      client.on('end', () => !this.stopped && retry());
      client.on('notification', (message) => {
        try {
          const events: unknown = JSON.parse(message.payload ?? '');
          for (const event of Array.isArray(events) ? events : [events]) if (isRing(event)) onRing(event);
        } catch {
          this.logger.warn('ignored a malformed table-changed notification');
        }
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.client = client;
      } catch (error) {
        this.logger.warn(`cannot LISTEN yet: ${String(error)}`);
        retry();
      }
    };
    await connect();
  }

  ring(ring: Ring): void {
    this.pending.push(JSON.stringify(ring));
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.pending.splice(0, this.pending.length);
    while (events.length > 0) {
      const batch: string[] = [];
      let size = 2;
      while (events.length > 0 && (batch.length === 0 || size + events[0].length + 1 <= MAX_PAYLOAD)) {
        size += events[0].length + 1;
        batch.push(events.shift()!);
      }
      this.dataSource
        .query('SELECT pg_notify($1, $2)', [CHANNEL, `[${batch.join(',')}]`])
        .catch((error: unknown) => this.logger.warn(`could not ring the doorbell: ${String(error)} (the sweep will deliver)`));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.flushTimer);
    this.pending = [];
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
