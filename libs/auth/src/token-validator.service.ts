import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { authConfig } from '@tablecast/config';
import { AccessTokensRepository } from './access-tokens.repository';
import { OperatorTokenService } from './operator-token.service';
import { Principal } from './scopes';
import { hashToken, PAT_PREFIX } from './token-secret';
import { TokenRevokedEvents } from './token-revoked.events';

const MAX_CACHED = 10_000;
const LAST_USED_INTERVAL_MS = 60_000;

interface CacheEntry {
  principal: Principal | null;
  until: number;
}

/**
 * Turns a presented token into a principal. Answers (including "unknown") are cached for at most
 * TOKEN_CACHE_MS (≤ 5 s), so a busy endpoint does not hit the database per request; a revocation
 * announced through TokenRevokedEvents is forgotten at once, and one whose announcement was lost
 * stops working on every instance within TOKEN_CACHE_MS anyway. Lookups are by SHA-256, so the time a
 * check takes does not depend on how much of a token matches.
 */
@Injectable()
export class TokenValidatorService {
  private readonly logger = new Logger(TokenValidatorService.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastTouched = new Map<string, number>();
  /** Raised by every forget: a lookup that started before it is not cached. */
  private epoch = 0;

  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly operator: OperatorTokenService,
    private readonly repository: AccessTokensRepository,
    revoked: TokenRevokedEvents,
  ) {
    revoked.subscribe((gone) => {
      if (gone.kind === 'pat') this.forget(gone.tokenId);
      else if (gone.kind === 'any') this.forgetAll();
    });
  }

  async validate(token: string): Promise<Principal | null> {
    if (token.length === 0 || token.length > 512) return null;
    await this.operator.ensureFresh();
    const hash = hashToken(token); // once per request: the operator check and the PAT lookup share it
    if (this.operator.matches(token, hash)) return { kind: 'operator' };
    if (!token.startsWith(PAT_PREFIX)) return null;

    const key = hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(key);
    let principal: Principal | null;
    if (cached && cached.until > now) {
      principal = cached.principal;
    } else {
      const epoch = this.epoch;
      const row = await this.repository.findActiveByHash(hash);
      principal = row
        ? { kind: 'pat', tokenId: row.id, organizationId: row.organization_id, scopes: row.scopes, expiresAt: row.expires_at }
        : null;
      // A revocation announced while we read may not be in what we read: answer, but do not cache it.
      if (epoch === this.epoch) this.remember(key, { principal, until: now + this.config.tokenCacheMs });
    }
    if (principal?.kind === 'pat' && principal.expiresAt && principal.expiresAt.getTime() <= now) return null;
    if (principal?.kind === 'pat') this.touch(principal.tokenId, now);
    return principal;
  }

  /** Forget cached answers now (this instance). */
  forgetAll(): void {
    this.epoch++;
    this.cache.clear();
  }

  /** Forget what is cached for one token (announced revoked: refused on its next request). */
  forget(tokenId: string): void {
    this.epoch++;
    for (const [key, entry] of this.cache) if (entry.principal?.kind === 'pat' && entry.principal.tokenId === tokenId) this.cache.delete(key);
  }

  private remember(key: string, entry: CacheEntry): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, entry);
  }

  /** last_used_at is written at most once a minute per token, off the request path. */
  private touch(tokenId: string, now: number): void {
    if ((this.lastTouched.get(tokenId) ?? 0) + LAST_USED_INTERVAL_MS > now) return;
    if (this.lastTouched.size >= MAX_CACHED) this.lastTouched.clear();
    this.lastTouched.set(tokenId, now);
    this.repository.touch(tokenId).catch((error: unknown) => this.logger.warn(`could not record token use: ${String(error)}`));
  }
}
