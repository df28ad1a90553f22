import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The one transaction helper. `run` joins the caller's transaction when given one, so services
 * compose into a single commit; realtime events are published by callers after `run` resolves.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>, outer?: EntityManager): Promise<T> {
    if (outer) return work(outer);
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}

// Note for repositories: TypeORM's query() returns [rows, count] for a top-level UPDATE/DELETE …
// RETURNING. Wrap such statements in a CTE (WITH x AS (UPDATE … RETURNING …) SELECT … FROM x) to get rows.
