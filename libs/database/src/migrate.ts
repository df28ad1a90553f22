import { DatabaseConfig } from '@tablecast/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

/** Arbitrary, fixed key: every instance of every version takes the same lock. */
const MIGRATION_LOCK_KEY = 7_353_180_241;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so instances starting together take
 * turns: the first migrates, the others wait and then find nothing to do.
 * Returns the names of the migrations it applied.
 */
export async function runMigrations(url: string, config: Pick<DatabaseConfig, 'poolSize' | 'connectTimeoutMs'>): Promise<string[]> {
  const dataSource = new DataSource({ ...buildDataSourceOptions(url, config), extra: { max: 2 } });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
