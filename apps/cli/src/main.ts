import { NestFactory } from '@nestjs/core';
import { DomainError, toProblem } from '@tablecast/common';
import { loadConfigOrExit, TablecastConfig } from '@tablecast/config';
import { runMigrations, startEmbeddedPostgres } from '@tablecast/database';
import { CliModule } from './cli.module';
import { runServiceCommand, USAGE } from './commands';

async function withDatabase<T>(config: TablecastConfig, work: (url: string) => Promise<T>): Promise<T> {
  if (config.database.url) return work(config.database.url);
  // A server running on the same data: use its PostgreSQL (and leave it running).
  const embedded = await startEmbeddedPostgres({ dir: config.database.dataDir, port: config.database.embeddedPort, attach: true });
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfigOrExit();
  const result = await withDatabase(config, async (url) => {
    const applied = await runMigrations(url, config.database);
    if (argv[0] === 'migrate') return { applied };
    const app = await NestFactory.createApplicationContext(CliModule.register(url), { logger: ['error'] });
    try {
      return await runServiceCommand(app, argv);
    } finally {
      await app.close();
    }
  });
  if (result === undefined) {
    console.error(USAGE);
    return 2;
  }
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Domain errors print as problem+json bodies; anything else as one line.
    console.error(error instanceof DomainError ? JSON.stringify(toProblem(error).body) : String(error instanceof Error ? error.message : error));
    process.exit(1);
  },
);
