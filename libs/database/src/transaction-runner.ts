import { Injectable, Logger } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, retry, RetryPolicy } from 'cockatiel';
import { DataSource, EntityManager } from 'typeorm';
import { classifyDatabaseError, isTransientConflict } from './database-errors';

/** Attempts in all for a transaction that loses a deadlock or a serialization failure. */
export const TRANSACTION_ATTEMPTS = 4;

/**
 * The one transaction helper (READ COMMITTED, PostgreSQL's default: no SET TRANSACTION round
 * trip). A transaction that PostgreSQL aborts as a deadlock victim (40P01) or for a serialization
 * failure (40001) is run again from the start (cockatiel's retry policy), a bounded number of times
 * with a short jittered pause: `work` must therefore only touch the database and its own locals,
 * and leave anything visible to others (events, answers) until `run` resolves.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly policy: RetryPolicy = retry(handleWhen(isTransientConflict), {
    maxAttempts: TRANSACTION_ATTEMPTS - 1,
    backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 200 }),
  });

  constructor(private readonly dataSource: DataSource) {
    this.policy.onRetry(({ attempt, ...reason }) => {
      const error = 'error' in reason ? reason.error : undefined;
      this.logger.warn(`transaction attempt ${attempt} rolled back (${classifyDatabaseError(error)?.code}); running it again`);
    });
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.policy.execute(() => this.dataSource.transaction(work));
  }

  /**
   * Sends `text` — several statements, no parameters (see dollarQuoted) — as one simple-query
   * message: PostgreSQL runs them as one implicit transaction, each statement with its own
   * snapshot, and commits at the end; any error rolls all of it back. One round trip in all, so
   * no lock taken by one statement is held while Node answers. Retried like `run`. Returns each
   * statement's rows, in order.
   */
  runMessage(text: string): Promise<Record<string, unknown>[][]> {
    return this.policy.execute(async () => {
      const [client, release] = (await (this.dataSource.driver as unknown as { obtainMasterConnection(): Promise<[PgClient, (error?: unknown) => void]> }).obtainMasterConnection());
      let failure: unknown;
      try {
        const raw = await client.query(text);
        return (Array.isArray(raw) ? raw : [raw]).map((result) => result.rows);
      } catch (error) {
        failure = classifyDatabaseError(error)?.kind === 'unavailable' ? error : undefined; // a broken connection leaves the pool
        throw error;
      } finally {
        release(failure);
      }
    });
  }
}

interface PgClient {
  query(text: string): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
}

// Note for repositories: TypeORM's query() returns [rows, count] for a top-level UPDATE/DELETE …
// RETURNING. Wrap such statements in a CTE (WITH x AS (UPDATE … RETURNING …) SELECT … FROM x) to get rows.
