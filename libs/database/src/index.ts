export * from './data-source-options';
export * from './database-errors';
export * from './database.module';
export * from './embedded-postgres';
export * from './migrate';
export * from './test-database-guard';
export * from './transaction-runner';
export * from './keyset';
