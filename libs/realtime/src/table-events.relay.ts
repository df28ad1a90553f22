import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { Namespace } from 'socket.io';
import { DataSource } from 'typeorm';
import { realtimeConfig, redisConfig } from '@tablecast/config';
import { DATABASE_URL } from '@tablecast/database';
import { TableChangedEvents, TableDroppedEvents } from '@tablecast/dynamic-data';
import { Doorbell, OriginRing } from './doorbell';
import { PgNotifyDoorbell } from './pg-notify.doorbell';
import { SocketIoDoorbell } from './socket-io.doorbell';
import { TableFeedService } from './table-feed.service';

/**
 * Carries table events to this node's feed: those of this process (after commit) at once, and
 * those of other nodes through the doorbell (PostgreSQL NOTIFY, or Redis when REDIS_URL is set);
 * every REALTIME_SWEEP_SECONDS the feed's sweep catches whatever a lost ring would have said.
 */
@Injectable()
export class TableEventsRelay implements OnModuleDestroy {
  private readonly logger = new Logger(TableEventsRelay.name);
  private readonly nodeId = randomUUID();
  private doorbell?: Doorbell;
  private timer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly feed: TableFeedService,
    private readonly changed: TableChangedEvents,
    private readonly dropped: TableDroppedEvents,
    private readonly dataSource: DataSource,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
  ) {}

  start(namespace: Namespace): void {
    this.feed.attach(namespace);
    const doorbell = this.redis.url ? new SocketIoDoorbell(namespace) : new PgNotifyDoorbell(this.databaseUrl, this.dataSource);
    this.doorbell = doorbell;
    void doorbell.start(
      (ring) => ring.origin !== this.nodeId && this.deliver(ring),
      () => this.feed.pumpAll(),
    );
    this.unsubscribe = [
      this.changed.subscribe((event) => {
        this.feed.ring(event);
        doorbell.ring({ ...event, origin: this.nodeId });
      }),
      this.dropped.subscribe((event) => {
        this.feed.dropped(event.solutionId, event.table);
        doorbell.ring({ ...event, kind: 'table-dropped', origin: this.nodeId });
      }),
    ];
    if (this.config.sweepMs > 0) {
      this.timer = setInterval(() => void this.feed.sweep().catch((error: unknown) => this.logger.warn(`sweep failed: ${String(error)}`)), this.config.sweepMs);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.doorbell?.stop();
  }

  private deliver(ring: OriginRing): void {
    if (ring.kind === 'table-dropped') this.feed.dropped(ring.solutionId, ring.table);
    else this.feed.ring(ring);
  }
}
