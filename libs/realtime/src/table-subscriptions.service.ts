import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { belongsTo, hasScope } from '@tablecast/auth';
import { NotFoundError } from '@tablecast/common';
import { realtimeConfig } from '@tablecast/config';
import { TablesService } from '@tablecast/dynamic-data';
import { ackError, SubscribeAck, UnsubscribeAck } from './realtime.types';
import { TokenBucket } from './socket-limits';
import { readMessage, SubscribeDto, UnsubscribeDto } from './subscribe.dto';
import { tableKey, TableSocket } from './subscription';
import { TableFeedService } from './table-feed.service';

/** subscribe: burst of 100, then 20 per second. */
const SUBSCRIBE_BURST = 100;
const SUBSCRIBE_PER_SECOND = 20;

/**
 * Subscriptions: what a socket may watch (its organization, `data:read`, at most
 * REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET tables) and where each subscription starts.
 */
@Injectable()
export class TableSubscriptions {
  private readonly logger = new Logger(TableSubscriptions.name);

  constructor(
    private readonly feed: TableFeedService,
    private readonly tables: TablesService,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
  ) {}

  open(socket: TableSocket): void {
    socket.data.subscriptions = new Map();
    socket.data.subscribeBudget = new TokenBucket(SUBSCRIBE_BURST, SUBSCRIBE_PER_SECOND);
  }

  close(socket: TableSocket): void {
    for (const subscription of socket.data.subscriptions?.values() ?? []) this.feed.remove(subscription);
    socket.data.subscriptions?.clear();
  }

  async subscribe(socket: TableSocket, body: unknown): Promise<SubscribeAck> {
    const state = socket.data;
    if (!state.subscribeBudget.take()) return ackError('rate_limited', 'Too many subscribe messages; slow down.');
    const message = readMessage(SubscribeDto, body);
    if (typeof message === 'string') return ackError('bad_request', message);
    const { organizationId, solutionId, table, since } = message;
    if (!belongsTo(state.principal, organizationId)) return ackError('forbidden', 'This token belongs to another organization.');
    if (!hasScope(state.principal, 'data:read')) return ackError('forbidden', 'This token lacks the scope data:read.');
    const key = tableKey(solutionId, table);
    if (!state.subscriptions.has(key) && state.subscriptions.size >= this.config.maxSubscriptionsPerSocket) {
      return ackError('limit', `At most ${this.config.maxSubscriptionsPerSocket} subscriptions per connection (REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET).`);
    }
    try {
      // A table that does not exist yet may be watched: a later notification may create it.
      const row = await this.tables.find(organizationId, solutionId, table);
      if (!socket.connected) return ackError('bad_request', 'The connection closed.'); // it left while we looked
      const head = Number(row?.head ?? 0);
      const floor = Number(row?.log_floor ?? 0);
      // After a `resubscribe` without since (table deleted, log purged) the client must reload.
      const forced = state.dropped?.delete(key) ?? false;
      const reset = forced || (since !== undefined && (since < floor || since > head));
      const previous = state.subscriptions.get(key);
      if (previous) this.feed.remove(previous);
      const subscription = this.feed.add(socket, { organizationId, solutionId, table }, since === undefined || reset ? head : since, row?.id ?? null);
      state.subscriptions.set(key, subscription);
      // After the ack has gone out: catch up from the log, then stay live.
      setImmediate(() => this.feed.pump(subscription));
      return reset ? { ok: true, reset: true, head } : { ok: true, head };
    } catch (error) {
      if (error instanceof NotFoundError) return ackError('not_found', 'No such solution in this organization.');
      this.logger.warn(`subscribe failed: ${String(error)}`);
      return ackError('bad_request', 'The subscription could not be set up; retry.');
    }
  }

  unsubscribe(socket: TableSocket, body: unknown): UnsubscribeAck {
    const message = readMessage(UnsubscribeDto, body);
    if (typeof message === 'string') return ackError('bad_request', message);
    const state = socket.data;
    const key = tableKey(message.solutionId, message.table);
    const subscription = state.subscriptions.get(key);
    if (subscription) {
      this.feed.remove(subscription);
      state.subscriptions.delete(key);
    }
    state.dropped?.delete(key);
    return { ok: true };
  }
}
