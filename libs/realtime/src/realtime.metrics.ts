import { OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { Namespace, Socket } from 'socket.io';
import { TableChangedEvents } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { TableChangePayload } from './realtime.types';
import { TableFeedService } from './table-feed.service';

/**
 * Realtime metrics, kept out of the gateway: a second gateway on the same namespace (Nest shares
 * the namespace between gateways) that only observes. Counts are read at scrape time; the delivery
 * lag is taken from every onTableChange a socket of this node sends.
 */
@WebSocketGateway({ namespace: '/dynamic-data' })
export class RealtimeMetrics implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
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
  }

  handleConnection(socket: Socket): void {
    socket.onAnyOutgoing((event: string, payload: TableChangePayload) => {
      const newest = event === 'onTableChange' ? payload.changes.at(-1) : undefined;
      if (newest) this.metrics.observeDeliveryLag(newest.modifiedAt);
    });
  }

  onModuleDestroy(): void {
    this.stopCounting?.();
  }
}
