import { OnModuleDestroy } from '@nestjs/common';
import { OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { Namespace } from 'socket.io';
import { TableChangedEvents } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { TableFeedService } from './table-feed.service';

/**
 * Realtime metrics, kept out of the gateway: a second gateway on the same namespace (Nest shares
 * the namespace between gateways) that only observes. Counts are read at scrape time; the delivery
 * lag is taken from every onTableChange this node's feed sends, per recipient.
 */
@WebSocketGateway({ namespace: '/dynamic-data' })
export class RealtimeMetrics implements OnGatewayInit, OnModuleDestroy {
  private stopCounting?: () => void;

  constructor(
    private readonly metrics: MetricsService,
    private readonly feed: TableFeedService,
    private readonly events: TableChangedEvents,
  ) {}

  afterInit(namespace: Namespace): void {
    this.metrics.watchSockets(() => namespace.sockets.size);
    this.metrics.watchSubscriptions(() => this.feed.count());
    this.stopCounting = this.events.subscribe((event) => this.metrics.changesCommitted.inc(event.toSeq - event.fromSeq + 1));
    // Once per event and recipient, without a listener on every socket.
    this.feed.onDelivered((payload, recipients) => {
      const newest = payload.changes[payload.changes.length - 1];
      if (newest) for (let i = 0; i < recipients; i++) this.metrics.observeDeliveryLag(newest.modifiedAt);
    });
  }

  onModuleDestroy(): void {
    this.stopCounting?.();
  }
}
