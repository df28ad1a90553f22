import { NestFactory } from '@nestjs/core';
import { Server } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@tablecast/config';
import { ShutdownState } from '@tablecast/ops';
import { EmbeddedPostgres, runMigrations, startEmbeddedPostgres } from '@tablecast/database';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';
import { TablecastExpressAdapter } from './http-adapter';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let embedded: EmbeddedPostgres | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedPostgres({ dir: config.database.dataDir, port: config.database.embeddedPort });
  }
  const databaseUrl = config.database.url ?? embedded!.url;
  await runMigrations(databaseUrl, config.database);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ databaseUrl }), new TablecastExpressAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  const sockets = await configureApp(app);
  await app.listen(config.app.port);

  const url = `http://localhost:${config.app.port}`;
  console.log(`Tablecast ${config.region.region} listening on ${url} (API ${config.region.publicBaseUrl}, docs ${url}/docs)`);
  console.log(embedded ? `Data: embedded PostgreSQL in ${embedded.dataDir} (kept across restarts)` : 'Data: PostgreSQL at DATABASE_URL');

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
  console.error('Tablecast failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
