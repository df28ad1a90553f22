import { Injectable } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { Principal } from './scopes';
import { TokenValidatorService } from './token-validator.service';

/**
 * `Authorization: Bearer <token>` (RFC 6750 §2.1): the scheme word in any case, exactly one space,
 * then the token — visible ASCII characters (a superset of RFC 6750's b64token, so that any
 * ADMIN_TOKEN the configuration accepts can be sent) — and nothing else. Anything else — another
 * scheme, two spaces, a tab, a second word — carries no token.
 */
const BEARER = /^bearer ([!-~]+)$/i;

/**
 * The token of an Authorization header value, or undefined. The one parser for HTTP requests and
 * Socket.IO handshakes; a token is never read from a query string, a cookie or a body.
 */
export function bearerToken(authorization: unknown): string | undefined {
  return typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
}

/**
 * Turns a presented token into a principal, counting failures per client address. A valid token
 * always passes, whatever its address did before; a missing or bad one is refused, with 429 once
 * its address has failed more than AUTH_FAILURE_LIMIT times.
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly validator: TokenValidatorService,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  /**
   * The principal of `token`, presented by `request` (an HTTP request or a socket handshake), or
   * null: a failure, counted against the request's address. Throws the 429 DomainError instead
   * while that address is over the limit.
   */
  async authenticate(token: string | undefined, request: IncomingMessage): Promise<Principal | null> {
    const principal = token ? await this.validator.validate(token) : null;
    if (principal) return principal;
    await this.limiter.recordFailure(this.limiter.addressOf(request));
    return null;
  }
}
