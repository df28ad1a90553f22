import { Injectable } from '@nestjs/common';

export type TokenRevokedListener = (tokenId: string) => void;

/**
 * Published after a token's revocation commits. The realtime layer closes the token's sockets and
 * tells the other nodes, which forget their cached validations at once instead of within TOKEN_CACHE_MS.
 */
@Injectable()
export class TokenRevokedEvents {
  private readonly listeners = new Set<TokenRevokedListener>();

  subscribe(listener: TokenRevokedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(tokenId: string): void {
    for (const listener of this.listeners) listener(tokenId);
  }
}
