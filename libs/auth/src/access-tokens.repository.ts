import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CREATED_US, FROM_US } from '@tablecast/database';
import { Scope } from './scopes';

export interface AccessTokenRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, organization_id, name, prefix, scopes, expires_at, revoked_at, last_used_at, created_at';

@Injectable()
export class AccessTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    input: { organizationId: string; name: string; hash: Buffer; prefix: string; scopes: Scope[]; expiresAt: Date | null },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AccessTokenRow> {
    const rows: AccessTokenRow[] = await manager.query(
      `INSERT INTO access_tokens (organization_id, name, token_hash, prefix, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [input.organizationId, input.name, input.hash, input.prefix, input.scopes, input.expiresAt],
    );
    return rows[0];
  }

  /** A usable token: not revoked, not expired. */
  async findActiveByHash(hash: Buffer): Promise<AccessTokenRow | undefined> {
    const rows: AccessTokenRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM access_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    );
    return rows[0];
  }

  /** Keyset page ordered by creation: `after` is the (created_us, id) of the last row seen. */
  async list(organizationId: string, limit: number, after?: { createdUs: string; id: string }): Promise<(AccessTokenRow & { created_us: string })[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS}, ${CREATED_US} AS created_us FROM access_tokens
        WHERE organization_id = $1 AND ($2::bigint IS NULL OR (created_at, id) > (${FROM_US('$2')}, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [organizationId, after?.createdUs ?? null, after?.id ?? null, limit + 1],
    );
  }

  async revoke(organizationId: string, tokenId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH revoked AS (
         UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, now())
          WHERE organization_id = $1 AND id = $2 RETURNING id)
       SELECT id FROM revoked`,
      [organizationId, tokenId],
    );
    return rows.length > 0;
  }

  /** Of the given token ids, those no longer usable: revoked, expired, or gone with their organization. */
  async findUnusable(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id::text FROM unnest($1::uuid[]) AS given(id)
        WHERE NOT EXISTS (
          SELECT 1 FROM access_tokens t
           WHERE t.id = given.id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async touch(tokenId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE access_tokens SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [tokenId],
    );
  }

  async readSetting(key: string): Promise<unknown> {
    const rows: { value: unknown }[] = await this.dataSource.query('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  /** Inserts the setting unless one exists; true when this call wrote it. */
  async insertSettingIfMissing(key: string, value: unknown): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
      [key, JSON.stringify(value)],
    );
    return rows.length > 0;
  }

  async upsertSetting(key: string, value: unknown): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
      [key, JSON.stringify(value)],
    );
  }
}
