import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { DomainError } from '@tablecast/common';
import { authConfig } from '@tablecast/config';

const THROTTLER = 'auth-failures';

/**
 * Slows down guessing: more than AUTH_FAILURE_LIMIT failed authentications from one address within
 * the window, and that address gets 429 with Retry-After until the window has passed.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly storage: ThrottlerStorageService,
  ) {}

  /** Throws 429 while the address is blocked. */
  assertNotBlocked(address: string): void {
    const record = this.storage.storage.get(key(address));
    if (record?.isBlocked && record.blockExpiresAt > Date.now()) throw tooMany(record.blockExpiresAt - Date.now());
  }

  /** Counts a failure; throws 429 when this one crosses the limit. */
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
