import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { classifyDatabaseError, isTransientConflict } from './database-errors';

/** Attempts in all for a transaction that loses a deadlock or a serialization failure. */
export const TRANSACTION_ATTEMPTS = 4;

/**
 * The one transaction helper (READ COMMITTED). A transaction that PostgreSQL aborts as a deadlock
 * victim (40P01) or for a serialization failure (40001) is run again from the start, a bounded
 * number of times with a short jittered pause: `work` must therefore only touch the database and
 * its own locals, and leave anything visible to others (events, answers) until `run` resolves.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isTransientConflict(error)) throw error;
        this.logger.warn(`transaction attempt ${attempt} rolled back (${classifyDatabaseError(error)?.code}); running it again`);
        await sleep(Math.round(10 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }
}

// Note for repositories: TypeORM's query() returns [rows, count] for a top-level UPDATE/DELETE …
// RETURNING. Wrap such statements in a CTE (WITH x AS (UPDATE … RETURNING …) SELECT … FROM x) to get rows.
