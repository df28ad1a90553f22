import { Injectable } from '@nestjs/common';
import { RequestHandler } from 'express';
import { DomainError, sendProblem } from '@tablecast/common';

/**
 * Set when the process begins a graceful shutdown: requests already running finish, new ones are
 * answered 503 with `Connection: close` (so keep-alive clients move to another instance), and
 * /readyz reports 503 so load balancers stop routing here.
 */
@Injectable()
export class ShutdownState {
  draining = false;

  begin(): void {
    this.draining = true;
  }

  middleware(): RequestHandler {
    return (_req, res, next) => {
      if (!this.draining) return next();
      res.setHeader('Connection', 'close');
      sendProblem(res, new DomainError('database_unavailable', 'This instance is shutting down; retry.', { headers: { 'Retry-After': '1' } }), console);
    };
  }
}
