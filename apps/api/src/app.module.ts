import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { LogFn, Logger } from 'pino';
import { appConfig, Env, regionConfig, TablecastConfigModule } from '@tablecast/config';
import { DatabaseModule } from '@tablecast/database';
import { OpsModule } from '@tablecast/ops';
import { AuthModule } from '@tablecast/auth';
import { TenancyModule } from '@tablecast/tenancy';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { AcumaticaModule } from '@tablecast/acumatica';
import { RealtimeModule, RealtimeObservabilityModule } from '@tablecast/realtime';
import { WebhooksModule } from '@tablecast/webhooks';

export interface AppModuleOptions {
  /** The database to use: DATABASE_URL or the embedded one, resolved by the caller. */
  databaseUrl: string;
  /** Variables to read instead of process.env. */
  env?: Env;
  /** Where JSON logs go (default: stdout). */
  logDestination?: NodeJS.WritableStream;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's x-request-id when it is sane, otherwise makes one; echoes it on the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  // A caller's id is echoed and logged: refuse one that looks like a token pasted into the wrong header.
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) && !/^tc[ap]_/.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** Query parameters whose values are credentials if anyone ever sends them; never logged. */
const SECRET_QUERY = /([?&](?:access(?:_|%5f)token|token|api(?:_|%5f)key)=)[^&]*/gi;

/** Request log fields: no headers beyond the user agent, and no credentials from the query string. */
function serializeRequest(req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) {
  return {
    id: req.id,
    method: req.method,
    url: req.url.replace(SECRET_QUERY, '$1[redacted]'),
    userAgent: req.headers['user-agent'],
    remoteAddress: req.remoteAddress,
  };
}

/**
 * A 503 is an expected outage (database away, instance draining): its request line is `info`, the
 * outage itself is logged once by DatabaseOutageLog. Other 5xx are bugs: `error`.
 */
function requestLogLevel(_req: IncomingMessage, res: ServerResponse, error?: Error): 'info' | 'warn' | 'error' {
  if (res.statusCode === 503) return 'info';
  return error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
}

/** pino-http adds an Error "failed with status code N" (with a useless stack) to 5xx lines: keep the line, drop that. */
function withoutSyntheticError(_req: IncomingMessage, res: ServerResponse, error: Error, value: Record<string, unknown>): Record<string, unknown> {
  if (error.message !== `failed with status code ${res.statusCode}`) return value;
  const { err, ...rest } = value;
  void err;
  return rest;
}

/** Nest's start-up chatter (one line per module, route and socket message) is `debug`, not `info`. */
const STARTUP_CONTEXTS = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader', 'WebSocketsController', 'NestFactory', 'NestApplication']);
const INFO = 30;

function quietStartup(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const context = (args[0] as { context?: unknown } | undefined)?.context;
  if (level === INFO && typeof context === 'string' && STARTUP_CONTEXTS.has(context)) {
    this.debug(...(args as [object, string]));
    return;
  }
  method.apply(this, args);
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
];

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TablecastConfigModule.forRoot({ env: options.env }),
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY, regionConfig.KEY],
          useFactory: (app: ConfigType<typeof appConfig>, region: ConfigType<typeof regionConfig>) => ({
            forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
            pinoHttp: [
              {
                level: app.logLevel,
                base: { service: 'tablecast', region: region.region },
                redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
                genReqId: requestId,
                serializers: { req: serializeRequest, res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
                customLogLevel: requestLogLevel,
                customErrorObject: withoutSyntheticError,
                hooks: { logMethod: quietStartup },
                autoLogging: { ignore: (req: IncomingMessage) => req.url === '/healthz' || req.url === '/metrics' },
              },
              options.logDestination ?? process.stdout,
            ],
          }),
        }),
        DatabaseModule.forRoot({ url: options.databaseUrl }),
        OpsModule,
        AuthModule,
        TenancyModule,
        DynamicDataModule,
        AcumaticaModule,
        RealtimeModule,
        RealtimeObservabilityModule,
        WebhooksModule,
      ],
    };
  }
}
