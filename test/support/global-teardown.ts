import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmbeddedPostgres } from '../../libs/database/src/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __embeddedPostgres?: EmbeddedPostgres }).__embeddedPostgres;
  if (!embedded) return;
  await embedded.stop();
  rmSync(dirname(embedded.dataDir), { recursive: true, force: true });
}
