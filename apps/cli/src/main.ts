import { NestFactory } from '@nestjs/core';
import { DomainError, toProblem } from '@tablecast/common';
import { loadConfigOrExit, TablecastConfig } from '@tablecast/config';
import { runMigrations, startEmbeddedPostgres } from '@tablecast/database';
import { CommanderError } from 'commander';
import { ArgumentError, describeFieldErrors } from './arguments';
import { CliModule } from './cli.module';
import { buildProgram, CliRuntime } from './program';

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

const runtime: CliRuntime = {
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

/** Exit codes: 0 done, 1 a bad value or a failure (one line), 2 a usage error (unknown command, missing argument). */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram(runtime);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return 2; // a command group without its subcommand: its help, on stderr
    if (error.code === 'commander.unknownCommand') program.outputHelp({ error: true });
    return 2;
  }
}

/** One line on stderr: the problem+json body with --json, else a sentence naming the argument. */
function describe(error: unknown, json: boolean): string {
  if (error instanceof DomainError) {
    if (json) return JSON.stringify(toProblem(error).body);
    return `error: ${error.extras.errors?.length ? describeFieldErrors(error.extras.errors) : error.message}`;
  }
  if (error instanceof ArgumentError) return `error: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describe(error, argv.includes('--json')));
    process.exit(1);
  },
);
