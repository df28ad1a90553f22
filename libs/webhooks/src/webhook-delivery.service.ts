import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SecretBox } from '@tablecast/common';
import { outboundConfig, webhooksConfig } from '@tablecast/config';
import { ChangesService, ChangeView, TableChangedEvents } from '@tablecast/dynamic-data';
import { MetricsService } from '@tablecast/ops';
import { Counter, Gauge, Registry } from 'prom-client';
import { OutboundHttp, PostResult } from './outbound-http';
import { nextDelay, parseRetryAfter } from './retry-schedule';
import { BatchIdentity, signatureHeader, webhookMessageId } from './signature';
import { ClaimedCursor, WebhooksRepository } from './webhooks.repository';

/** Whether this process runs the delivery worker (false in the CLI). */
export const WEBHOOK_WORKER = Symbol('WEBHOOK_WORKER');

/** CONTRACT: at most 100 changes per delivery. */
export const MAX_CHANGES_PER_DELIVERY = 100;

interface Batch extends BatchIdentity {
  changes: ChangeView[];
  head: number;
}

/**
 * The delivery worker. Work is a (webhook, table) cursor row in PostgreSQL, claimed with
 * FOR UPDATE SKIP LOCKED and a lease: one delivery in flight per cursor across every node, sent in
 * seq order, and the batch in flight is written down before it is sent, so a retry (here, on another
 * node, after a crash) sends exactly it again under the same webhook-id. Rung after each commit
 * (TableChangedEvents) and swept on a timer, so a lost ring — or a change on another node — only
 * waits for the next sweep.
 */
@Injectable()
export class WebhookDelivery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly http: OutboundHttp;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly rungTables = new Set<string>();
  private pumping = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly deliveries: Counter<'webhook' | 'result'>;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly changes: ChangesService,
    private readonly events: TableChangedEvents,
    private readonly box: SecretBox,
    @Inject(WEBHOOK_WORKER) private readonly worker: boolean,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
    @Inject(outboundConfig.KEY) outbound: ConfigType<typeof outboundConfig>,
    // Absent in the CLI (no OpsModule): the counters then go to a registry nobody scrapes.
    @Optional() metrics?: MetricsService,
  ) {
    this.http = new OutboundHttp(outbound.allowPrivateNetwork);
    const registry = metrics?.registry ?? new Registry();
    this.deliveries = new Counter({
      name: 'tablecast_webhook_deliveries_total',
      help: 'Webhook delivery attempts by webhook and result (success, failure)',
      labelNames: ['webhook', 'result'] as const,
      registers: [registry],
    });
    const lag = () => this.repository.lag();
    new Gauge({
      name: 'tablecast_webhook_lag_changes',
      help: 'Changes committed but not yet delivered, per webhook (head − deliveredSeq over its tables)',
      labelNames: ['webhook'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await lag()) this.set({ webhook: row.webhook_id }, Number(row.lag));
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.worker) {
      this.stopped = true;
      return;
    }
    this.unsubscribe = this.events.subscribe((event) => {
      this.rungTables.add(event.tableId);
      this.ring();
    });
    this.timer = setInterval(() => this.sweep(), this.config.sweepMs);
    this.timer.unref();
    this.sweep();
  }

  /** Stops claiming, abandons deliveries in flight (their cursors are given back, unsent batches stay pending). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.abort.abort();
    await Promise.allSettled(this.inFlight.values());
    await this.http.close();
  }

  /** Look for work now. */
  ring(): void {
    void this.pump();
  }

  private sweep(): void {
    this.rungTables.add('*');
    this.ring();
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        if (this.rungTables.size > 0) {
          const all = this.rungTables.has('*');
          const ids = [...this.rungTables].filter((id) => id !== '*');
          this.rungTables.clear();
          await this.repository.addCursorsForNewTables(all ? null : ids);
        }
        const free = this.config.concurrency - this.inFlight.size;
        if (free <= 0 || this.stopped) break;
        const claimed = await this.repository.claim(free, this.config.leaseMs);
        for (const cursor of claimed) this.start(cursor);
        if (claimed.length === free) this.again = true;
      } while (this.again && !this.stopped);
    } catch (error) {
      if (!this.stopped) this.logger.warn(`webhook claim failed: ${String(error)}`);
    } finally {
      this.pumping = false;
    }
  }

  private start(cursor: ClaimedCursor): void {
    const key = `${cursor.webhook_id}/${cursor.table_id}`;
    const work = this.deliver(cursor)
      .catch((error: unknown) => {
        this.logger.warn(`webhook ${cursor.webhook_id} table ${cursor.table_name}: delivery failed: ${String(error)}`);
        return this.repository.release(cursor.webhook_id, cursor.table_id, cursor.lease_token).catch(() => undefined);
      })
      .finally(() => {
        this.inFlight.delete(key);
        this.ring();
      });
    this.inFlight.set(key, work);
  }

  private async deliver(cursor: ClaimedCursor): Promise<void> {
    const batch = await this.batchFor(cursor);
    if (!batch) return;
    const body = JSON.stringify(
      batch.kind === 'table.reset'
        ? { type: batch.kind, timestamp: new Date().toISOString(), data: this.about(cursor, { head: batch.head }) }
        : { type: batch.kind, timestamp: new Date().toISOString(), data: this.about(cursor, { changes: batch.changes, head: batch.head }) },
    );
    const id = webhookMessageId(batch);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(this.secretsOf(cursor), id, timestamp, body),
    };
    const result = await this.http.post(cursor.url, headers, body, this.config.timeoutMs, this.abort.signal);
    if (this.abort.signal.aborted) {
      await this.repository.release(cursor.webhook_id, cursor.table_id, cursor.lease_token);
      return;
    }
    const attempt = cursor.attempts + 1;
    await this.repository.recordAttempt({
      webhookId: cursor.webhook_id,
      tableId: cursor.table_id,
      table: cursor.table_name,
      fromSeq: batch.fromSeq,
      toSeq: batch.toSeq,
      kind: batch.kind,
      attempt,
      status: result.status,
      error: result.error,
      durationMs: result.durationMs,
    });
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      this.deliveries.inc({ webhook: cursor.webhook_id, result: 'success' });
      if (!(await this.repository.succeed(cursor.webhook_id, cursor.table_id, cursor.lease_token, batch.toSeq))) {
        this.logger.warn(
          `webhook ${cursor.webhook_id} table ${cursor.table_name}: lease lost before seq ${batch.toSeq} was recorded; it will be sent again`,
        );
      }
      return;
    }
    this.deliveries.inc({ webhook: cursor.webhook_id, result: 'failure' });
    await this.failed(cursor, batch, attempt, result);
  }

  private async failed(cursor: ClaimedCursor, batch: Batch, attempt: number, result: PostResult): Promise<void> {
    let disable: string | null = null;
    let delay = nextDelay(this.config.retryScheduleMs, attempt, parseRetryAfter(result.retryAfter));
    if (result.status === 410) disable = 'the receiver answered 410 Gone';
    else if (delay === undefined)
      disable = `delivery failed ${attempt} times (last: ${result.status ?? 'no response'}); re-enable with PATCH {"enabled": true}`;
    if (disable) delay = 0;
    // Never the body or the secret: what failed, where, and how.
    this.logger.warn(
      `webhook ${cursor.webhook_id} table ${cursor.table_name} seq ${batch.fromSeq}-${batch.toSeq} attempt ${attempt} failed: ` +
        `${result.status ?? 'no response'} ${(result.error ?? '').slice(0, 200)}${disable ? `; webhook disabled: ${disable}` : `; next attempt in ${delay} ms`}`,
    );
    await this.repository.fail(cursor.webhook_id, cursor.table_id, cursor.lease_token, attempt, delay!, disable);
  }

  /** The batch to send: the pending one (a retry), or the next one, written down before it is sent. */
  private async batchFor(cursor: ClaimedCursor): Promise<Batch | undefined> {
    const delivered = Number(cursor.delivered_seq);
    const identity = (kind: Batch['kind'], toSeq: number): BatchIdentity => ({
      webhookId: cursor.webhook_id,
      tableId: cursor.table_id,
      kind,
      fromSeq: delivered + 1,
      toSeq,
    });
    let pendingTo = cursor.pending_to === null ? undefined : Number(cursor.pending_to);
    let reset = cursor.pending_reset;
    if (pendingTo === undefined) {
      const head = Number(cursor.head);
      reset = delivered < Number(cursor.log_floor);
      if (reset) pendingTo = head;
      else {
        const limit = Math.min(head, delivered + MAX_CHANGES_PER_DELIVERY);
        // A replay sends the batches that were sent before (same ids) where it can.
        const before = await this.repository.deliveredBatchEnd(cursor.webhook_id, cursor.table_id, delivered + 1);
        pendingTo = before !== undefined && before <= limit ? before : limit;
      }
      if (pendingTo <= delivered && !reset) {
        await this.repository.succeed(cursor.webhook_id, cursor.table_id, cursor.lease_token, delivered);
        return undefined;
      }
      if (!(await this.repository.setPending(cursor.webhook_id, cursor.table_id, cursor.lease_token, pendingTo, reset))) return undefined;
    }
    if (!reset) {
      const page = await this.changes.read(cursor.table_id, delivered, MAX_CHANGES_PER_DELIVERY, pendingTo);
      if (!page) return undefined; // the table is gone (its cursors go with it)
      if (!('reset' in page) && page.items.length === pendingTo - delivered) {
        return { ...identity('table.changed', pendingTo), changes: page.items, head: page.head };
      }
      // Purged while pending: the receiver must reload the table instead.
      const head = 'reset' in page ? page.head : pendingTo;
      await this.repository.setPending(cursor.webhook_id, cursor.table_id, cursor.lease_token, head, true);
      return { ...identity('table.reset', head), changes: [], head };
    }
    return { ...identity('table.reset', pendingTo), changes: [], head: pendingTo };
  }

  private secretsOf(cursor: ClaimedCursor): string[] {
    const secrets = [this.box.open(cursor.secret, cursor.webhook_id)];
    if (cursor.previous_secret && cursor.previous_expires_at && cursor.previous_expires_at.getTime() > Date.now()) {
      secrets.push(this.box.open(cursor.previous_secret, cursor.webhook_id));
    }
    return secrets;
  }

  private about(cursor: ClaimedCursor, rest: Record<string, unknown>): Record<string, unknown> {
    return { organizationId: cursor.organization_id, solutionId: cursor.solution_id, table: cursor.table_name, ...rest };
  }
}
