import { Injectable } from '@nestjs/common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Reads a count when Prometheus scrapes (no bookkeeping in the hot path). */
export type CountSource = () => number;
/** Reads `[organizationId, waiting]` pairs when Prometheus scrapes. */
export type QueueDepthSource = () => Iterable<readonly [string, number]>;

/** One Prometheus registry per app instance (tests run several in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'tablecast_notifications_total',
    help: 'Acumatica push notifications by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly changes = new Counter({
    name: 'tablecast_changes_total',
    help: 'Changes written to the change log by Acumatica notifications, by operation',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  /** Every change appended to a table's log on this node, whatever wrote it (REST or Acumatica). */
  readonly changesCommitted = new Counter({
    name: 'tablecast_changes_committed_total',
    help: 'Changes committed to table change logs on this node (REST writes and Acumatica notifications)',
    registers: [this.registry],
  });

  /** Seconds from a change's commit to its onTableChange emission on this node (per event: its newest change). */
  readonly deliveryLag = new Histogram({
    name: 'tablecast_delivery_lag_seconds',
    help: 'Seconds from the commit of a change to its onTableChange emission to a subscriber on this node',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  private readonly socketSources: CountSource[] = [];
  private readonly subscriptionSources: CountSource[] = [];
  private readonly queueSources: QueueDepthSource[] = [];

  readonly sockets = gauge(this.registry, 'tablecast_sockets_connected', 'Socket.IO clients connected to this node', this.socketSources);
  readonly subscriptions = gauge(
    this.registry,
    'tablecast_subscriptions',
    'Table subscriptions held by sockets on this node',
    this.subscriptionSources,
  );

  readonly queueDepth = new Gauge({
    name: 'tablecast_cdc_queue_waiting',
    help: 'Acumatica notifications waiting for a slot of their organization on this node (CDC_ORG_CONCURRENCY)',
    labelNames: ['organization_id'] as const,
    registers: [this.registry],
    collect: () => {
      this.queueDepth.reset();
      for (const source of this.queueSources)
        for (const [organizationId, waiting] of source()) this.queueDepth.inc({ organization_id: organizationId }, waiting);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Registers where the connected-socket count comes from (the realtime lib, once per namespace). */
  watchSockets(source: CountSource): void {
    this.socketSources.push(source);
  }

  watchSubscriptions(source: CountSource): void {
    this.subscriptionSources.push(source);
  }

  /** Registers a per-organization queue (the Acumatica lib's). */
  watchQueueDepth(source: QueueDepthSource): void {
    this.queueSources.push(source);
  }

  /** Records the lag of an emission whose newest change committed at `committedAt` (ISO-8601). */
  observeDeliveryLag(committedAt: string, now = Date.now()): void {
    const at = Date.parse(committedAt);
    if (Number.isFinite(at)) this.deliveryLag.observe(Math.max(0, now - at) / 1000);
  }

  /** Express middleware timing every request; the route label is the pattern, never the raw path. */
  httpMiddleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const stop = this.httpDuration.startTimer();
      res.on('finish', () => {
        // Catch-all middleware routes ({*path}) mean no controller route matched.
        const route = (req.route as { path?: string } | undefined)?.path;
        const matched = route && !route.includes('{*');
        stop({ method: req.method, route: matched ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) });
      });
      next();
    };
  }
}

/** A gauge that is the sum of its sources, read at scrape time. */
function gauge(registry: Registry, name: string, help: string, sources: CountSource[]): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(sources.reduce((sum, source) => sum + source(), 0));
    },
  });
}
