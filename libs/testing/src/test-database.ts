import { assertTestDatabaseName, runMigrations } from '@tablecast/database';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server tests run against, set up once by the global setup. */
export function testAdminUrl(): string {
  const url = process.env.TABLECAST_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('No test database server: run the tests through jest (its global setup provides one)');
  return url;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, migrated database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `tablecast_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  assertTestDatabaseName(name);
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(testAdminUrl(), name);
  if (options.migrate ?? true) await runMigrations(url, { poolSize: 2, connectTimeoutMs: 5000 });
  return {
    name,
    url,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
