import { DatabaseConfig } from '@tablecast/config';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { MIGRATIONS } from './migrations';

/** The one place a TypeORM data source is described: the app, the CLI and the TypeORM CLI share it. */
export function buildDataSourceOptions(
  url: string,
  config: Pick<DatabaseConfig, 'poolSize' | 'connectTimeoutMs'> & Partial<Pick<DatabaseConfig, 'statementTimeoutMs'>>,
): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [],
    applicationName: 'tablecast',
    extra: {
      max: config.poolSize,
      connectionTimeoutMillis: config.connectTimeoutMs,
      // Keep a stuck statement from holding a connection (and a table lock) forever.
      statement_timeout: config.statementTimeoutMs ?? 60_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}
