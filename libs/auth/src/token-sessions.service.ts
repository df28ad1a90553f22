import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AccessTokensRepository } from './access-tokens.repository';
import { OperatorTokenService } from './operator-token.service';
import { Principal } from './scopes';
import { TokenRevokedEvents } from './token-revoked.events';

/** How often the credentials of open sessions are checked again (the contract allows 5 s). */
export const SESSION_CHECK_MS = 2000;

/**
 * Long-lived sessions (sockets) authenticated once, at their start. Their credentials are checked
 * again every SESSION_CHECK_MS — one query for every PAT with an open session on this node — and
 * a PAT found revoked, expired or deleted (with its organization), or an operator token that was
 * rotated, is announced to this node's TokenRevokedEvents listeners, which close the sessions.
 * This is the safety net behind the announcements.
 */
@Injectable()
export class TokenSessions implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TokenSessions.name);
  private readonly pats = new Map<string, { open: number; expiresAt: Date | null }>();
  private operators = 0;
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly operator: OperatorTokenService,
    private readonly revoked: TokenRevokedEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), SESSION_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** A session of this principal opened; call the returned function when it closes. */
  open(principal: Principal): () => void {
    if (principal.kind === 'operator') {
      this.operators++;
      return once(() => this.operators--);
    }
    const entry = this.pats.get(principal.tokenId) ?? { open: 0, expiresAt: principal.expiresAt };
    entry.open++;
    this.pats.set(principal.tokenId, entry);
    return once(() => {
      if (--entry.open === 0) this.pats.delete(principal.tokenId);
    });
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = Date.now();
      for (const [tokenId, { expiresAt }] of this.pats) if (expiresAt && expiresAt.getTime() <= now) this.revoked.emitLocal({ kind: 'pat', tokenId });
      if (this.pats.size > 0) for (const tokenId of await this.repository.findUnusable([...this.pats.keys()])) this.revoked.emitLocal({ kind: 'pat', tokenId });
      if (this.operators > 0) await this.operator.ensureFresh(); // a changed hash closes operator sessions
    } catch (error) {
      this.logger.warn(`session credential check failed: ${String(error)}`);
    } finally {
      this.checking = false;
    }
  }
}

function once(work: () => void): () => void {
  let done = false;
  return () => {
    if (!done) work();
    done = true;
  };
}
