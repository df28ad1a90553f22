import { INestApplicationContext } from '@nestjs/common';
import { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { HttpConfig } from '@tablecast/config';
import { TablecastIoAdapter } from '@tablecast/realtime';
import { Server, ServerOptions } from 'socket.io';

/**
 * CORS for browser apps on other origins (CORS_ORIGINS). Credentials are bearer tokens in the
 * Authorization header, never cookies, so a browser needs no credentials mode; it is allowed for
 * an explicit list of origins (harmless: no cookie means anything) and never with `*`.
 * Unset: no CORS headers at all.
 */
export function corsOptions(config: HttpConfig): CorsOptions | undefined {
  const { corsOrigins } = config;
  if (corsOrigins !== '*' && corsOrigins.length === 0) return undefined;
  return {
    origin: corsOrigins === '*' ? '*' : corsOrigins,
    credentials: corsOrigins !== '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    // What a browser app may read: retry hints, the request id to quote in a support ticket, the auth challenge.
    exposedHeaders: ['Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  };
}

/** Socket.IO's long-polling transport is plain HTTP: it gets the same CORS answer as the API. */
export class CorsIoAdapter extends TablecastIoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly cors: CorsOptions | undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, this.cors ? ({ ...options, cors: this.cors } as ServerOptions) : options);
  }
}
