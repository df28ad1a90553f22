import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { bodyParsing, createValidationPipe, ProblemDetailsFilter } from '@tablecast/common';
import { AppConfig, AuthConfig, HttpConfig, RedisConfig } from '@tablecast/config';
import { TablecastIoAdapter } from '@tablecast/realtime';
import { MetricsService, ShutdownState } from '@tablecast/ops';
import { Logger } from 'nestjs-pino';
import { Server } from 'node:http';
import { answerClientErrors } from './client-errors';
import { CONSOLE_PATH, defaultConsoleDir, serveConsole } from './console/console-static';
import { CorsIoAdapter, corsOptions } from './cors';
import { createOpenApiDocument } from './openapi';

export const API_PREFIX = 'v2.0';
/** Routes that parse their JSON themselves, losslessly (Acumatica's TimeStamp exceeds 2^53). */
export const RAW_JSON_PATHS = [/\/acumatica\/cdc\/?$/];

/** Everything about the HTTP app that main.ts and the tests must share. */
/** Returns the Socket.IO adapter, so that a shutdown can close the sockets first. */
export async function configureApp(app: NestExpressApplication, options: { consoleDir?: string } = {}): Promise<TablecastIoAdapter> {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  const cors = corsOptions(app.get(ConfigService).getOrThrow<HttpConfig>('http'));
  const sockets = new CorsIoAdapter(app, cors);
  const redis = app.get(ConfigService).getOrThrow<RedisConfig>('redis');
  if (redis.url) await sockets.connectRedis(redis.url);
  app.useWebSocketAdapter(sockets);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', app.get(ConfigService).getOrThrow<AuthConfig>('auth').trustProxy);
  app.use(app.get(MetricsService).httpMiddleware());
  if (cors) app.enableCors(cors); // before anything that may answer, so that errors carry the headers too
  app.use(app.get(ShutdownState).middleware());
  app.use(CONSOLE_PATH, serveConsole(options.consoleDir ?? defaultConsoleDir())); // outside /v2.0 and the OpenAPI document
  app.use(...bodyParsing({ maxBodyBytes: config.maxBodyBytes, rawJsonPaths: RAW_JSON_PATHS }));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['healthz', 'readyz', 'metrics', 'docs/asyncapi.json', 'docs/asyncapi'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const server = app.getHttpServer() as Server;
  // Slow clients (slow-loris headers, dribbled bodies) are cut off instead of holding sockets.
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.requestTimeoutMs, 15_000);
  server.keepAliveTimeout = 5_000;
  answerClientErrors(server);

  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
  return sockets;
}
