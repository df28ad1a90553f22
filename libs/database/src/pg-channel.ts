import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const RECONNECT_MS = 1000;
/** PostgreSQL's NOTIFY payload limit is 8000 bytes. */
export const MAX_NOTIFY_PAYLOAD = 7800;

/**
 * One PostgreSQL LISTEN/NOTIFY channel: a LISTEN connection of its own (reconnected when lost)
 * and NOTIFY through the pool. NOTIFY is delivered after commit to every listening session of the
 * database — every node of a region, whatever process (server or CLI) sent it.
 */
export class PgChannel {
  private readonly logger: Logger;
  private client?: Client;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly dataSource: DataSource,
    private readonly channel: string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    this.logger = new Logger(`PgChannel(${channel})`);
  }

  /** `onMessage` gets every payload; `onReconnect` runs after messages may have been missed. */
  async listen(onMessage: (payload: string) => void, onReconnect: () => void = () => undefined): Promise<void> {
    const connect = async (): Promise<void> => {
      if (this.stopped) return;
      const client = new Client({ connectionString: this.url, application_name: `tablecast-${this.channel}` });
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
      client.on('notification', (message) => onMessage(message.payload ?? ''));
      try {
        await client.connect();
        await client.query(`LISTEN ${this.channel}`);
        if (this.stopped) return void (await client.end().catch(() => undefined));
        this.client = client;
      } catch (error) {
        this.logger.warn(`cannot LISTEN yet: ${String(error)}`);
        retry();
      }
    };
    await connect();
  }

  notify(payload: string): Promise<void> {
    return this.dataSource.query('SELECT pg_notify($1, $2)', [this.channel, payload]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
