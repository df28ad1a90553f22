/**
 * Once per `npm test`: a real PostgreSQL for every test file (DATABASE_URL when set, otherwise an
 * embedded one in a temporary folder), and a fresh build for tests that spawn the server process.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';

export default async function globalSetup(): Promise<void> {
  execSync('node scripts/build-if-needed.js', { cwd: join(__dirname, '../..'), stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    process.env.TABLECAST_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tablecast-test-pg-'));
  const embedded = await startEmbeddedPostgres({ dir, persistent: false, database: 'tablecast_test' });
  (globalThis as { __embeddedPostgres?: typeof embedded }).__embeddedPostgres = embedded;
  process.env.TABLECAST_TEST_ADMIN_URL = embedded.url;
  console.log(`\nTests use an embedded PostgreSQL (${dir}); set DATABASE_URL to use another.`);
}
