import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Env } from '@tablecast/config';
import { createTestDatabase, TestDatabase } from '@tablecast/testing';
import { createWriteStream } from 'node:fs';
import { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { TablecastExpressAdapter } from '../../apps/api/src/http-adapter';

export const TEST_ADMIN_TOKEN = 'test-operator-token-0123456789abcdefghijklmnop';

export interface TestApp {
  app: NestExpressApplication;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The API base, url + /v2.0 */
  api: string;
  database: TestDatabase;
  /** Everything the app logged, for scans. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Boots the real app (HTTP + Socket.IO) in-process on a random port, through the same
 * configureApp() as main.ts, against a real PostgreSQL database of its own (or a given one).
 */
export async function bootTestApp(options: { env?: Env; database?: TestDatabase } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const ownsDatabase = !options.database;
  const logStream = new PassThrough();
  const logChunks: Buffer[] = [];
  logStream.on('data', (chunk: Buffer) => logChunks.push(chunk));
  if (process.env.TEST_LOG_FILE) logStream.pipe(createWriteStream(process.env.TEST_LOG_FILE, { flags: 'a' }));

  const env: Env = {
    LOG_LEVEL: 'info',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    DATABASE_POOL_SIZE: '8',
    ...options.env,
  };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ databaseUrl: database.url, env, logDestination: logStream }),
    new TablecastExpressAdapter(),
    { bodyParser: false, logger: false, abortOnError: false },
  );
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    api: `${url}/v2.0`,
    database,
    logs: () => Buffer.concat(logChunks).toString('utf8'),
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
    },
  };
}
