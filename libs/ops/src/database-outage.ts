import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RequestHandler } from 'express';
import { DatabasePingRepository } from './database-ping.repository';
import { ShutdownState } from './shutdown-state';

const PROBE_INTERVAL_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

/**
 * An outage of the database is expected (a restart, a failover) and is answered 503 with
 * Retry-After: it is logged once at `warn` when the first 503 is sent and once at `info` when the
 * database answers again, not once per request with a stack. A 503 of a draining instance is no outage.
 */
@Injectable()
export class DatabaseOutageLog implements OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private outage: { since: number; answered: number; probe: NodeJS.Timeout } | undefined;

  constructor(
    private readonly database: DatabasePingRepository,
    private readonly shutdown: ShutdownState,
  ) {}

  middleware(): RequestHandler {
    return (_req, res, next) => {
      res.once('finish', () => {
        if (res.statusCode === 503 && !this.shutdown.draining) this.unavailable();
      });
      next();
    };
  }

  /** A 503 was answered: the first one of an outage starts it (and the probe that sees its end). */
  unavailable(): void {
    if (this.outage) {
      this.outage.answered++;
      return;
    }
    this.logger.warn('The database is unreachable: requests that need it are answered 503 until it is back.');
    let probing = false;
    const probe = setInterval(() => {
      if (probing) return;
      probing = true;
      void this.answers().then((up) => {
        probing = false;
        if (up) this.recovered();
      });
    }, PROBE_INTERVAL_MS);
    probe.unref();
    this.outage = { since: Date.now(), answered: 1, probe };
  }

  private recovered(): void {
    if (!this.outage) return;
    const { since, answered, probe } = this.outage;
    clearInterval(probe);
    this.outage = undefined;
    this.logger.log(`The database answers again, after ${((Date.now() - since) / 1000).toFixed(1)} s (${answered} responses 503).`);
  }

  private answers(): Promise<boolean> {
    return this.database.answers(PROBE_TIMEOUT_MS);
  }

  onModuleDestroy(): void {
    if (this.outage) clearInterval(this.outage.probe);
  }
}
