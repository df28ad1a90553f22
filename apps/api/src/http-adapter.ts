import { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import http from 'node:http';

/** How often Node checks requests against headersTimeout/requestTimeout (its default, 30 s, lets slow-loris sockets linger). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** Express, on an HTTP server that enforces its timeouts promptly. */
export class TablecastExpressAdapter extends ExpressAdapter {
  constructor() {
    super(express());
  }

  initHttpServer(options: NestApplicationOptions): void {
    this.httpServer = http.createServer({ connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS }, this.getInstance());
    if (options?.forceCloseConnections) (this as unknown as { trackOpenConnections(): void }).trackOpenConnections();
  }
}
