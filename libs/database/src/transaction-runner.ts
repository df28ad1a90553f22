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
   * Runs `work` on a pooled connection outside any explicit transaction, retried like `run`. For
   * a repository that sends several statements (no parameters, see dollarQuoted) as one
   * simple-query message: PostgreSQL runs them as one implicit transaction, each statement with
   * its own snapshot, and commits at the end; any error rolls all of it back. One round trip in
   * all, so no lock taken by one statement is held while Node answers.
   */
  runOnConnection<T>(work: (client: MessageClient) => Promise<T>): Promise<T> {
    return this.policy.execute(async () => {
      const driver = this.dataSource.driver as unknown as { obtainMasterConnection(): Promise<[MessageClient, (error?: unknown) => void]> };
      const [client, release] = await driver.obtainMasterConnection();
      let broken: unknown;
      // A connection that dies while lent emits 'error' (as TypeORM's query runner, listen: unheard, it would crash the process); the query rejects too.
      const onError = (error: unknown) => (broken = error);
      client.on('error', onError);
      try {
        return await work(client);
      } catch (error) {
        if (classifyDatabaseError(error)?.kind === 'unavailable') broken = error; // a broken connection leaves the pool
        throw error;
      } finally {
        client.removeListener('error', onError);
        release(broken);
      }
    });
  }
}

/** What runOnConnection lends: node-postgres's client (a text without parameters may hold several statements). */
export interface MessageClient {
  query(text: string): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeListener(event: 'error', listener: (error: unknown) => void): unknown;
}
