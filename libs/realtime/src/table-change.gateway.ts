import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Namespace } from 'socket.io';
import { SubscribeAck, UnsubscribeAck } from './realtime.types';
import { SocketSessions } from './socket-sessions.service';
import { TableSocket } from './subscription';
import { TableEventsRelay } from './table-events.relay';
import { TableSubscriptions } from './table-subscriptions.service';

/**
 * onTableChange: clients subscribe to tables and receive every change after `since` (or after
 * subscribing) once, in seq order, without gaps, across reconnects and nodes. The gateway only
 * routes: connections (SocketSessions), subscriptions (TableSubscriptions), delivery
 * (TableFeedService, fed by TableEventsRelay).
 */
@WebSocketGateway({ namespace: '/dynamic-data' })
export class TableChangeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly sessions: SocketSessions,
    private readonly subscriptions: TableSubscriptions,
    private readonly relay: TableEventsRelay,
  ) {}

  afterInit(namespace: Namespace): void {
    this.sessions.attach(namespace);
    this.relay.start(namespace);
  }

  handleConnection(socket: TableSocket): void {
    this.subscriptions.open(socket);
    this.sessions.connected(socket);
  }

  handleDisconnect(socket: TableSocket): void {
    this.subscriptions.close(socket);
    this.sessions.disconnected(socket);
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: TableSocket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    return this.subscriptions.subscribe(socket, body);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: TableSocket, @MessageBody() body: unknown): UnsubscribeAck {
    return this.subscriptions.unsubscribe(socket, body);
  }
}
