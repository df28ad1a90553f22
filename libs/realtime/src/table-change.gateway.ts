import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import { Namespace } from 'socket.io';
import { DataSource } from 'typeorm';
import { AccessTokensService, AuthFailureLimiter, belongsTo, hasScope, TokenRevokedEvents, TokenValidatorService } from '@tablecast/auth';
import { NotFoundError } from '@tablecast/common';
import { realtimeConfig, redisConfig } from '@tablecast/config';
import { DATABASE_URL } from '@tablecast/database';
import { TableChangedEvents, TablesService } from '@tablecast/dynamic-data';
import { SolutionsService } from '@tablecast/tenancy';
import { Doorbell, OriginRing, Ring } from './doorbell';
import { PgNotifyDoorbell } from './pg-notify.doorbell';
import { ackError, SubscribeAck, UnsubscribeAck } from './realtime.types';
import { SocketData, socketAuthentication } from './socket-auth';
import { SocketIoDoorbell } from './socket-io.doorbell';
import { guardAgainstFloods, MAX_SUBSCRIPTIONS_PER_SOCKET, TokenBucket } from './socket-limits';
import { readMessage, SubscribeDto, UnsubscribeDto } from './subscribe.dto';
import { Subscription, TableFeedService, tableKey, TableSocket } from './table-feed.service';

const REVOCATION_CHECK_MS = 2000;

interface ConnectionState extends SocketData {
  subscriptions: Map<string, Subscription>;
  subscribeBudget: TokenBucket;
}

/**
 * onTableChange: clients subscribe to tables and receive every change after `since` (or after
 * subscribing) once, in seq order, without gaps, across reconnects and nodes.
 */
@WebSocketGateway({ namespace: '/dynamic-data' })
export class TableChangeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(TableChangeGateway.name);
  private readonly nodeId = randomUUID();
  private namespace!: Namespace;
  private doorbell!: Doorbell;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribeLocal?: () => void;

  constructor(
    private readonly feed: TableFeedService,
    private readonly events: TableChangedEvents,
    private readonly tables: TablesService,
    private readonly solutions: SolutionsService,
    private readonly validator: TokenValidatorService,
    private readonly limiter: AuthFailureLimiter,
    private readonly tokens: AccessTokensService,
    private readonly revoked: TokenRevokedEvents,
    private readonly dataSource: DataSource,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
  ) {}

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.use(socketAuthentication(this.validator, this.limiter));
    this.doorbell = this.redis.url ? new SocketIoDoorbell(() => this.namespace) : new PgNotifyDoorbell(this.databaseUrl, this.dataSource);
    void this.doorbell.start(
      (ring) => (ring as OriginRing).origin !== this.nodeId && this.onRemoteRing(ring),
      () => this.feed.pumpAll(),
    );
    const fromTables = this.events.subscribe((event) => {
      this.feed.ring(event);
      this.doorbell.ring({ ...event, origin: this.nodeId } as Ring);
    });
    const fromTokens = this.revoked.subscribe((tokenId) => {
      this.disconnectToken(tokenId);
      this.doorbell.ring({ kind: 'token-revoked', tokenId, origin: this.nodeId } as Ring);
    });
    this.unsubscribeLocal = () => {
      fromTables();
      fromTokens();
    };
    if (this.config.sweepMs > 0) {
      const sweep = () => void this.feed.sweep().catch((error: unknown) => this.logger.warn(`sweep failed: ${String(error)}`));
      this.timers.push(setInterval(sweep, this.config.sweepMs));
    }
    this.timers.push(
      setInterval(() => void this.disconnectRevoked().catch((error: unknown) => this.logger.warn(`revocation check failed: ${String(error)}`)), REVOCATION_CHECK_MS),
    );
    for (const timer of this.timers) timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribeLocal?.();
    await this.doorbell?.stop();
  }

  handleConnection(socket: TableSocket): void {
    const state = socket.data as unknown as ConnectionState;
    state.subscriptions = new Map();
    state.subscribeBudget = new TokenBucket(100, 20);
    guardAgainstFloods(socket);
  }

  handleDisconnect(socket: TableSocket): void {
    const state = socket.data as unknown as Partial<ConnectionState>;
    for (const subscription of state.subscriptions?.values() ?? []) this.feed.remove(subscription);
    state.subscriptions?.clear();
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: TableSocket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const state = socket.data as unknown as ConnectionState;
    if (!state.subscribeBudget.take()) return ackError('rate_limited', 'Too many subscribe messages; slow down.');
    const message = readMessage(SubscribeDto, body);
    if (typeof message === 'string') return ackError('bad_request', message);
    const { organizationId, solutionId, table, since } = message;
    const principal = state.principal;
    if (!belongsTo(principal, organizationId)) return ackError('forbidden', 'This token belongs to another organization.');
    if (!hasScope(principal, 'data:read')) return ackError('forbidden', 'This token lacks the scope data:read.');
    const key = tableKey(solutionId, table);
    if (!state.subscriptions.has(key) && state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return ackError('bad_request', `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection.`);
    }
    try {
      // A table that does not exist yet may be watched: a later notification may create it.
      const row = await this.tables.find(organizationId, solutionId, table);
      if (!socket.connected) return ackError('bad_request', 'The connection closed.'); // it left while we looked
      const head = Number(row?.head ?? 0);
      const floor = Number(row?.log_floor ?? 0);
      const reset = since !== undefined && (since < floor || since > head);
      const subscription = new Subscription(socket, { organizationId, solutionId, table }, since === undefined || reset ? head : since);
      subscription.tableId = row?.id ?? null;
      const previous = state.subscriptions.get(key);
      if (previous) this.feed.remove(previous);
      state.subscriptions.set(key, subscription);
      this.feed.add(subscription);
      // After the ack has gone out: catch up from the log, then stay live.
      setImmediate(() => this.feed.pump(subscription));
      return reset ? { ok: true, reset: true, head } : { ok: true, head };
    } catch (error) {
      if (error instanceof NotFoundError) return ackError('not_found', 'No such solution in this organization.');
      this.logger.warn(`subscribe failed: ${String(error)}`);
      return ackError('bad_request', 'The subscription could not be set up; retry.');
    }
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: TableSocket, @MessageBody() body: unknown): UnsubscribeAck {
    const message = readMessage(UnsubscribeDto, body);
    if (typeof message === 'string') return ackError('bad_request', message);
    const state = socket.data as unknown as ConnectionState;
    const key = tableKey(message.solutionId, message.table);
    const subscription = state.subscriptions.get(key);
    if (subscription) {
      this.feed.remove(subscription);
      state.subscriptions.delete(key);
    }
    return { ok: true };
  }

  private onRemoteRing(ring: Ring): void {
    if (ring.kind === 'token-revoked') {
      this.validator.forgetAll(); // HTTP: refused here on its next request, not TOKEN_CACHE_MS later
      this.disconnectToken(ring.tokenId);
    } else {
      this.feed.ring(ring);
    }
  }

  private disconnectToken(tokenId: string): void {
    for (const socket of this.namespace.sockets.values() as IterableIterator<TableSocket>) {
      const principal = (socket.data as unknown as ConnectionState).principal;
      if (principal?.kind === 'pat' && principal.tokenId === tokenId) socket.disconnect(true);
    }
  }

  /** Sockets of tokens revoked, expired or deleted since they connected are closed (every node checks its own). */
  private async disconnectRevoked(): Promise<void> {
    const byToken = new Map<string, TableSocket[]>();
    const now = Date.now();
    for (const socket of this.namespace.sockets.values() as IterableIterator<TableSocket>) {
      const principal = (socket.data as unknown as ConnectionState).principal;
      if (principal?.kind !== 'pat') continue;
      if (principal.expiresAt && principal.expiresAt.getTime() <= now) {
        socket.disconnect(true);
        continue;
      }
      byToken.set(principal.tokenId, [...(byToken.get(principal.tokenId) ?? []), socket]);
    }
    for (const tokenId of await this.tokens.unusable([...byToken.keys()])) {
      for (const socket of byToken.get(tokenId) ?? []) socket.disconnect(true);
    }
  }
}
