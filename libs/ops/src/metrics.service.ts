import { Injectable } from '@nestjs/common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
    help: 'Changes written to the change log, by operation',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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
