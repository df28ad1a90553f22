import { NestFactory } from '@nestjs/core';
import { Server } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit, TablecastConfig } from '@tablecast/config';
import { ShutdownState } from '@tablecast/ops';
import { EmbeddedPostgres, runMigrations, startEmbeddedPostgres } from '@tablecast/database';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';
import { TablecastExpressAdapter } from './http-adapter';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ dir: config.database.dataDir, port: config.database.embeddedPort, log: (line) => console.log(line) });
  try {
    await serve(config, config.database.url ?? embedded!.url, embedded);
  } catch (error) {
    await embedded?.stop(); // never leave a PostgreSQL behind a process that did not start
    throw error;
  }
}

async function serve(config: TablecastConfig, databaseUrl: string, embedded: EmbeddedPostgres | undefined): Promise<void> {
  await runMigrations(databaseUrl, config.database);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ databaseUrl }), new TablecastExpressAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  const sockets = await configureApp(app);
  await app.listen(config.app.port);

  const url = `http://localhost:${config.app.port}`;
  console.log(`Tablecast ${config.region.region} listening on ${url} (API ${config.region.publicBaseUrl}, docs ${url}/docs)`);
  console.log(embedded ? `Data: ${describeEmbedded(embedded)}` : 'Data: PostgreSQL at DATABASE_URL');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then stopping`);
    const force = setTimeout(() => process.exit(1), config.app.shutdownTimeoutMs + 5_000).unref();
    app.get(ShutdownState).begin();
    sockets.disconnectAll();
    await drainHttp(app.getHttpServer() as Server, config.app.shutdownTimeoutMs);
    await app.close(); // sockets, then the database pool
    await embedded?.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function describeEmbedded(embedded: EmbeddedPostgres): string {
  const where = `embedded PostgreSQL in ${embedded.dataDir} (kept across restarts)`;
  return embedded.relocatedFrom ? `${where}; not in ${embedded.relocatedFrom}, which the postgres user cannot reach` : where;
}

/**
 * Stops accepting connections and lets in-flight requests finish: connections that fall idle are
 * closed as they do (keep-alive clients would otherwise hold the server open); whatever is still
 * open after `timeoutMs` is cut.
 */
async function drainHttp(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([closed, deadline]);
  clearInterval(idle);
  server.closeAllConnections();
}

main().catch((error: unknown) => {
  const reason =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port ${(error as { port?: number }).port} is already in use: stop what listens there, or set PORT to another port`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`Tablecast failed to start: ${reason}`);
  process.exit(1);
});
