import { Injectable } from '@nestjs/common';
import { BadRequestError, decodeCursor, NotFoundError, Page, toPage } from '@tablecast/common';
import { AccessTokenRow, AccessTokensRepository } from './access-tokens.repository';
import { Scope, SCOPES } from './scopes';
import { displayPrefix, generateSecret, hashToken, PAT_PREFIX } from './token-secret';
import { TokenRevokedEvents } from './token-revoked.events';
import { TokenValidatorService } from './token-validator.service';

export interface AccessTokenView {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** Only at creation: the secret itself. */
export type CreatedAccessToken = AccessTokenView & { token: string };

function toView(row: AccessTokenRow): AccessTokenView {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

@Injectable()
export class AccessTokensService {
  constructor(
    private readonly repository: AccessTokensRepository,
    private readonly validator: TokenValidatorService,
    private readonly revoked: TokenRevokedEvents,
  ) {}

  /** The caller checks that the organization exists. */
  async create(organizationId: string, input: { name: string; scopes?: Scope[]; expiresAt?: Date }): Promise<CreatedAccessToken> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestError('expiresAt must be in the future', [{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    const token = generateSecret(PAT_PREFIX);
    const scopes = [...new Set(input.scopes?.length ? input.scopes : SCOPES)];
    const row = await this.repository.insert({
      organizationId,
      name: input.name,
      hash: hashToken(token),
      prefix: displayPrefix(token),
      scopes,
      expiresAt: input.expiresAt ?? null,
    });
    return { ...toView(row), token };
  }

  async list(organizationId: string, limit: number, cursor?: string): Promise<Page<AccessTokenView>> {
    const after = cursor ? decodeCursor(cursor, ['digits', 'uuid']) : undefined;
    const rows = await this.repository.list(organizationId, limit, after && { createdUs: String(after[0]), id: String(after[1]) });
    return toPage(rows, limit, toView, (row) => [row.created_us, row.id]);
  }

  async revoke(organizationId: string, tokenId: string): Promise<void> {
    if (!(await this.repository.revoke(organizationId, tokenId))) throw new NotFoundError('No such token in this organization.');
    this.validator.forgetAll();
    this.revoked.publish(tokenId);
  }

  /** Of the given token ids, those revoked, expired or deleted (for closing their sockets). */
  unusable(ids: string[]): Promise<string[]> {
    return ids.length ? this.repository.findUnusable(ids) : Promise.resolve([]);
  }
}
