import { NestFactory } from '@nestjs/core';
import { DomainError, toProblem } from '@tablecast/common';
import { loadConfigOrExit, TablecastConfig } from '@tablecast/config';
import { runMigrations, startEmbeddedPostgres } from '@tablecast/database';
import { ArgumentError, describeFieldErrors } from './arguments';
import { CliModule } from './cli.module';
import { CliRuntime } from './program';

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

/** The database side of the CLI (loaded only by commands that need it, so `--help` stays quick). */
export const runtime: CliRuntime = {
  migrate: () => {
    const config = loadConfigOrExit();
    return withDatabase(config, (url) => runMigrations(url, config.database));
  },
  withApp: (work) => {
    const config = loadConfigOrExit();
    return withDatabase(config, async (url) => {
      await runMigrations(url, config.database);
      const app = await NestFactory.createApplicationContext(CliModule.register(url), { logger: ['error'] });
      try {
        return await work(app);
      } finally {
        await app.close();
      }
    });
  },
  out: (text) => console.log(text),
  warn: (text) => console.error(text),
};

/** One line for stderr: the problem+json body with --json, else a sentence naming the argument. */
export function describeError(error: unknown, json: boolean): string {
  if (error instanceof DomainError) {
    if (json) return JSON.stringify(toProblem(error).body);
    return `error: ${error.extras.errors?.length ? describeFieldErrors(error.extras.errors) : error.message}`;
  }
  if (error instanceof ArgumentError) return `error: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
