import { loadConfigOrExit, TablecastConfig } from '@tablecast/config';
import { runMigrations, startEmbeddedPostgres } from '@tablecast/database';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  migrate    apply pending database migrations (also run by npm start)`;

async function withDatabase<T>(config: TablecastConfig, work: (url: string) => Promise<T>): Promise<T> {
  if (config.database.url) return work(config.database.url);
  const embedded = await startEmbeddedPostgres({ dir: config.database.dataDir, port: config.database.embeddedPort });
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const config = loadConfigOrExit();
  switch (command) {
    case 'migrate': {
      const applied = await withDatabase(config, (url) => runMigrations(url, config.database));
      console.log(JSON.stringify({ applied }));
      return 0;
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
