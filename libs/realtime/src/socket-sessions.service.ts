import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Namespace, Socket } from 'socket.io';
import { AuthFailureLimiter, Principal, RevokedCredential, TokenRevokedEvents, TokenSessions, TokenValidatorService } from '@tablecast/auth';
import { realtimeConfig } from '@tablecast/config';
import { socketAuthentication } from './socket-auth';
import { guardAgainstFloods } from './socket-limits';
import { TableSocket } from './subscription';

/**
 * Connections: the handshake (authentication, then at most REALTIME_MAX_SOCKETS_PER_TOKEN sockets
 * per token on this node), flood protection, and closing the sockets of credentials that auth
 * says are gone (revoked, expired, rotated). Auth decides what is gone; this only closes sockets.
 */
@Injectable()
export class SocketSessions implements OnModuleDestroy {
  private readonly byCredential = new Map<string, Set<Socket>>();
  private readonly ends = new WeakMap<Socket, () => void>();
  private unsubscribe?: () => void;

  constructor(
    private readonly validator: TokenValidatorService,
    private readonly limiter: AuthFailureLimiter,
    private readonly sessions: TokenSessions,
    private readonly revoked: TokenRevokedEvents,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
  ) {}

  attach(namespace: Namespace): void {
    namespace.use(socketAuthentication(this.validator, this.limiter));
    namespace.use((socket, next) => this.admit(socket, next));
    this.unsubscribe = this.revoked.subscribe((gone) => this.closeSocketsOf(gone));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  connected(socket: TableSocket): void {
    guardAgainstFloods(socket);
    this.ends.set(socket, this.sessions.open(socket.data.principal));
  }

  disconnected(socket: TableSocket): void {
    this.ends.get(socket)?.();
  }

  /** Sockets of this node per credential (tests, metrics). */
  count(principal: Principal): number {
    return this.byCredential.get(credentialKey(principal))?.size ?? 0;
  }

  /** Holds a place for the socket until it disconnects (or its connection closes before it connected). */
  private admit(socket: Socket, next: (error?: Error) => void): void {
    const key = credentialKey((socket.data as TableSocket['data']).principal);
    const sockets = this.byCredential.get(key) ?? new Set<Socket>();
    if (sockets.size >= this.config.maxSocketsPerToken) {
      const error = new Error('limit') as Error & { data: unknown };
      error.data = { code: 'limit', message: `At most ${this.config.maxSocketsPerToken} connections per token (REALTIME_MAX_SOCKETS_PER_TOKEN).` };
      return next(error);
    }
    if (socket.conn.readyState !== 'open') return next(new Error('closed'));
    sockets.add(socket);
    this.byCredential.set(key, sockets);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      sockets.delete(socket);
      if (sockets.size === 0 && this.byCredential.get(key) === sockets) this.byCredential.delete(key);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  }

  private closeSocketsOf(gone: RevokedCredential): void {
    if (gone.kind === 'any') return; // nothing known to be gone: the periodic check decides
    const key = gone.kind === 'operator' ? 'operator' : `pat:${gone.tokenId}`;
    for (const socket of [...(this.byCredential.get(key) ?? [])]) socket.disconnect(true);
  }
}

function credentialKey(principal: Principal): string {
  return principal.kind === 'operator' ? 'operator' : `pat:${principal.tokenId}`;
}
