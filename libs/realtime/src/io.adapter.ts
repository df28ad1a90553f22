import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { MessageMappingProperties } from '@nestjs/websockets';
import { Observable } from 'rxjs';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server, ServerOptions, Socket } from 'socket.io';
import { Encoder, Packet, PacketType } from 'socket.io-parser';
import { exactJsonSocketParser } from '@tablecast/common';

/**
 * The exact-JSON encoder, remembering the last encoding of an event payload: a table's event goes
 * to its room shards as one broadcast each, and is encoded once for all of them.
 */
export class OnceEncoder extends exactJsonSocketParser.Encoder {
  private last?: { payload: object; event: unknown; nsp: string; encoded: ReturnType<Encoder['encode']> };

  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data = packet.data as unknown[] | undefined;
    const payload = packet.type === PacketType.EVENT && packet.id === undefined && Array.isArray(data) && data.length === 2 ? data[1] : undefined;
    if (typeof payload !== 'object' || payload === null) return super.encode(packet);
    const last = this.last;
    if (last && last.payload === payload && last.event === data![0] && last.nsp === packet.nsp) return last.encoded;
    const encoded = super.encode(packet);
    this.last = { payload, event: data![0], nsp: packet.nsp, encoded };
    return encoded;
  }
}

const onceParser = { ...exactJsonSocketParser, Encoder: OnceEncoder };

/** Largest message a client may send (subscribe/unsubscribe are tiny). */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

/**
 * Socket.IO on the API port with small messages, and the Redis adapter when REDIS_URL is set so
 * that nodes can signal each other through Redis. Only `/dynamic-data` accepts connections: the
 * default namespace refuses every one ("unauthorized").
 */
export class TablecastIoAdapter extends IoAdapter {
  private readonly logger = new Logger('TablecastIoAdapter');
  private redisAdapter?: ReturnType<typeof createAdapter>;
  private readonly redisClients: { quit(): Promise<unknown>; isOpen: boolean }[] = [];
  private readonly servers: Server[] = [];

  constructor(app: INestApplicationContext) {
    super(app);
  }

  async connectRedis(url: string): Promise<void> {
    const publisher = createClient({ url });
    const subscriber = publisher.duplicate();
    for (const client of [publisher, subscriber]) client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    await Promise.all([publisher.connect(), subscriber.connect()]);
    this.redisClients.push(publisher, subscriber);
    this.redisAdapter = createAdapter(publisher, subscriber);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES, connectTimeout: 10_000, parser: onceParser }) as Server;
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    // The default namespace "/" serves nothing: refuse every connection to it, with or without a token.
    server.use((_socket, next) => next(new Error('unauthorized')));
    this.servers.push(server);
    return server;
  }

  /**
   * The message handlers of a socket as plain listeners. Nest's own binding keeps an RxJS pipeline
   * per socket and handler (fromEvent, mergeMap, takeUntil a shared disconnect$): about 60 closures
   * and 8 subscribers that every idle socket holds. Same behaviour: each message's result (value,
   * promise or observable) is the ack, or an event when it says `{event, data}`.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        transform(callback(data, ack)).subscribe((response) => {
          if (response === null || response === undefined) return;
          const reply = response as { event?: string; data?: unknown };
          if (reply.event) return void socket.emit(reply.event, reply.data);
          if (!isAckHandledManually && typeof ack === 'function') (ack as (value: unknown) => void)(response);
        });
      });
    }
  }

  /** Disconnects every client of this node (they reconnect to another instance and resubscribe). */
  disconnectAll(): void {
    for (const server of this.servers) for (const namespace of server._nsps.values()) namespace.disconnectSockets(true);
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.redisClients.filter((c) => c.isOpen).map((c) => c.quit().catch(() => undefined)));
  }
}
