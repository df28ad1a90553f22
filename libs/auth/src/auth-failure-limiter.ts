import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { DomainError } from '@tablecast/common';
import { authConfig } from '@tablecast/config';
import { IncomingMessage } from 'node:http';

const THROTTLER = 'auth-failures';

/**
 * Slows down guessing: more than AUTH_FAILURE_LIMIT failed authentications from one address within
 * the window, and that address's failed authentications get 429 with Retry-After until the window
 * has passed. Only failures are refused: a valid token from the same address still passes.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly storage: ThrottlerStorageService,
  ) {}

  /**
   * The client address of an HTTP request or a socket handshake, the same way for both: the
   * connection's peer, or with TRUST_PROXY the left-most X-Forwarded-For entry (as Express's
   * `trust proxy = true` reads it).
   */
  addressOf(request: IncomingMessage): string {
    if (this.config.trustProxy) {
      const forwarded = request.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return request.socket.remoteAddress ?? 'unknown';
  }

  /** Counts a failed authentication; throws 429 while the address is over the limit (this failure included). */
  async recordFailure(address: string): Promise<void> {
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      key(address),
      this.config.failureWindowMs,
      this.config.failureLimit,
      this.config.failureWindowMs,
      THROTTLER,
    );
    if (isBlocked) throw tooMany(timeToBlockExpire * 1000);
  }
}

function key(address: string): string {
  return `${THROTTLER}:${address}`;
}

function tooMany(ms: number): DomainError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new DomainError('rate_limited', `Too many failed authentications from this address; retry in ${seconds} s.`, {
    headers: { 'Retry-After': String(seconds) },
  });
}
