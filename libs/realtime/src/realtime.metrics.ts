import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TableChangedEvents } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { TableFeedService } from './table-feed.service';

/**
 * Realtime metrics, kept out of the gateway and off the sockets (no gateway, no listener per
 * socket: an idle socket holds nothing for them). Counts are read at scrape time; the delivery lag
 * is taken from every onTableChange this node's feed sends, per recipient.
 */
@Injectable()
export class RealtimeMetrics implements OnModuleInit, OnModuleDestroy {
  private stopCounting?: () => void;

  constructor(
    private readonly metrics: MetricsService,
    private readonly feed: TableFeedService,
    private readonly events: TableChangedEvents,
  ) {}

  onModuleInit(): void {
    this.metrics.watchSockets(() => this.feed.sockets());
    this.metrics.watchSubscriptions(() => this.feed.count());
    this.stopCounting = this.events.subscribe((event) => this.metrics.changesCommitted.inc(event.toSeq - event.fromSeq + 1));
    this.feed.onDelivered((payload, recipients) => {
      const newest = payload.changes[payload.changes.length - 1];
      if (newest) for (let i = 0; i < recipients; i++) this.metrics.observeDeliveryLag(newest.modifiedAt);
    });
  }

  onModuleDestroy(): void {
    this.stopCounting?.();
  }
}
