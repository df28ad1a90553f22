import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DATABASE_URL, PgChannel } from '@tablecast/database';

/**
 * A credential that stopped working: a PAT (revoked, expired, gone with its organization), the
 * operator token (rotated), or `any` (this node may have missed announcements: trust no cache).
 */
export type RevokedCredential = { kind: 'pat'; tokenId: string } | { kind: 'operator' } | { kind: 'any' };
export type TokenRevokedListener = (gone: RevokedCredential) => void;

/** Auth's own PostgreSQL channel: every process that shares the region's database hears it. */
const CHANNEL = 'tablecast_auth';

/**
 * Auth announces revocations here, to every node. Any writer of tokens (the API, the CLI) calls
 * `publish` / `publishOperatorRotated` after its change commits: this process's listeners hear it
 * at once, and every other process through PostgreSQL NOTIFY on `tablecast_auth` (delivered to
 * every listening server, whichever process sent it). Listeners: the token validator forgets its
 * cache, the operator token is re-read, the realtime layer closes the credential's sockets.
 * A lost message costs at most TOKEN_CACHE_MS: caches never trust an answer longer than that.
 */
@Injectable()
export class TokenRevokedEvents implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TokenRevokedEvents.name);
  private readonly listeners = new Set<TokenRevokedListener>();
  private readonly origin = randomUUID();
  private readonly channel: PgChannel;
  private readonly sending = new Set<Promise<void>>();

  constructor(dataSource: DataSource, @Inject(DATABASE_URL) databaseUrl: string) {
    this.channel = new PgChannel(databaseUrl, dataSource, CHANNEL);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.channel.listen(
      (payload) => {
        const message = parse(payload);
        if (!message) return this.logger.warn('ignored a malformed revocation message');
        if (message.origin !== this.origin) this.emitLocal(message.gone);
      },
      () => this.emitLocal({ kind: 'any' }), // reconnected: announcements may have been missed
    );
  }

  /** Waits for announcements still being sent (a CLI process must not exit before they are out). */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.sending);
    await this.channel.stop();
  }

  subscribe(listener: TokenRevokedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After a PAT's revocation commits: every node refuses it and closes its sockets at once. */
  publish(tokenId: string): Promise<void> {
    return this.announce({ kind: 'pat', tokenId });
  }

  /** After the stored operator token changed: every node re-reads it and closes operator sockets. */
  publishOperatorRotated(): Promise<void> {
    return this.announce({ kind: 'operator' });
  }

  /** What this node found out by itself (expiry, its periodic check): its own listeners only. */
  emitLocal(gone: RevokedCredential): void {
    for (const listener of this.listeners) {
      try {
        listener(gone);
      } catch (error) {
        this.logger.error(`revocation listener failed: ${String(error)}`);
      }
    }
  }

  private announce(gone: RevokedCredential): Promise<void> {
    this.emitLocal(gone);
    const sent = this.channel
      .notify(JSON.stringify({ origin: this.origin, gone }))
      .catch((error: unknown) => this.logger.warn(`could not announce a revocation: ${String(error)} (other nodes notice within TOKEN_CACHE_MS)`));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
    return sent;
  }
}

function parse(payload: string): { origin: string; gone: RevokedCredential } | undefined {
  let value: { origin?: unknown; gone?: { kind?: unknown; tokenId?: unknown } };
  try {
    value = JSON.parse(payload) as typeof value;
  } catch {
    return undefined;
  }
  const gone = value?.gone;
  if (typeof value?.origin !== 'string' || typeof gone !== 'object' || gone === null) return undefined;
  if (gone.kind === 'pat' && typeof gone.tokenId === 'string') return { origin: value.origin, gone: { kind: 'pat', tokenId: gone.tokenId } };
  if (gone.kind === 'operator' || gone.kind === 'any') return { origin: value.origin, gone: { kind: gone.kind } };
  return undefined;
}
