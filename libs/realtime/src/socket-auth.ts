import { Socket } from 'socket.io';
import { AuthFailureLimiter, BearerAuthenticator, bearerToken, Principal, TokenValidatorService } from '@tablecast/auth';
import { DomainError } from '@tablecast/common';

/**
 * The token of a handshake: `auth: {token}` (the token itself; `"Bearer <token>"` there is read
 * like the header), or else the Authorization header, parsed by the same function as for HTTP.
 * Never the query string, a cookie or another `auth` field.
 */
export function handshakeToken(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return /\s/.test(fromAuth) ? bearerToken(fromAuth) : fromAuth;
  return bearerToken(socket.handshake.headers.authorization);
}

export interface SocketData {
  principal: Principal;
}

/**
 * Handshake middleware (`namespace.use`): a socket without a valid token is refused with a
 * connect_error whose message is "unauthorized"; a valid one carries its principal. A refusal
 * counts as a failed authentication of the client's address, exactly like an HTTP 401; while the
 * address is over AUTH_FAILURE_LIMIT the refusal's `data` says `{code: "rate_limited", retryAfter}`.
 * A valid token is never refused because of its address's failures.
 */
export function socketAuthentication(validator: TokenValidatorService, limiter: AuthFailureLimiter) {
  const bearer = new BearerAuthenticator(validator, limiter);
  return (socket: Socket, next: (error?: Error) => void): void => {
    bearer.authenticate(handshakeToken(socket), socket.request).then(
      (principal) => {
        if (!principal) return next(new Error('unauthorized'));
        (socket.data as SocketData).principal = principal;
        next();
      },
      (error: unknown) => {
        if (error instanceof DomainError && error.code === 'rate_limited') {
          return next(Object.assign(new Error('unauthorized'), { data: { code: 'rate_limited', retryAfter: Number(error.extras.headers?.['Retry-After']) } }));
        }
        next(new Error('unavailable'));
      },
    );
  };
}
