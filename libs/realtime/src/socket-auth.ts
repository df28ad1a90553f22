import { Socket } from 'socket.io';
import { AuthFailureLimiter, Principal, TokenValidatorService } from '@tablecast/auth';

const BEARER = /^bearer\s+(\S+)\s*$/i;

/** The token of a handshake: `auth: {token}` or the Authorization header, never the query string. */
export function handshakeToken(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth.replace(BEARER, '$1');
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

export interface SocketData {
  principal: Principal;
}

/**
 * Handshake middleware (`namespace.use`): a socket without a valid token is refused with a
 * connect_error whose message is "unauthorized"; a valid one carries its principal.
 */
export function socketAuthentication(validator: TokenValidatorService, limiter: AuthFailureLimiter) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const token = handshakeToken(socket);
    const refuse = () => {
      limiter.recordFailure(socket.handshake.address).catch(() => undefined);
      next(new Error('unauthorized'));
    };
    if (!token) return refuse();
    validator.validate(token).then(
      (principal) => {
        if (!principal) return refuse();
        (socket.data as SocketData).principal = principal;
        next();
      },
      () => next(new Error('unavailable')),
    );
  };
}
