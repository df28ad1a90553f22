import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigError } from './config.errors';
import { Env, validateEnv } from './env';
import { IsPostgresUrl } from './is-postgres-url.validator';
import { configNamespace } from './config-namespace';

class DatabaseEnv {
  @IsOptional()
  @IsPostgresUrl()
  DATABASE_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE: number = 20;

  @IsOptional()
  @IsString()
  DATA_DIR = '.data';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DATABASE_CONNECT_TIMEOUT_MS: number = 5000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 60_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT: number = 0;
}

export interface DatabaseConfig {
  /** The region's database; undefined means "start an embedded PostgreSQL". */
  url: string | undefined;
  poolSize: number;
  /** Where an embedded PostgreSQL keeps its data. */
  dataDir: string;
  connectTimeoutMs: number;
  /** A statement (or a wait for a lock) running longer is cancelled: the request gets 503. */
  statementTimeoutMs: number;
  /** Port of the embedded PostgreSQL; 0 picks a free one. */
  embeddedPort: number;
}

export function parseDatabaseConfig(env: Env): DatabaseConfig {
  const v = validateEnv(DatabaseEnv, env, [
    'DATABASE_URL',
    'DATABASE_POOL_SIZE',
    'DATA_DIR',
    'DATABASE_CONNECT_TIMEOUT_MS',
    'DATABASE_STATEMENT_TIMEOUT_MS',
    'EMBEDDED_POSTGRES_PORT',
  ]);
  if (env.NODE_ENV === 'production' && !v.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production (the embedded database is for development)');
  }
  return {
    url: v.DATABASE_URL,
    poolSize: v.DATABASE_POOL_SIZE,
    dataDir: v.DATA_DIR,
    connectTimeoutMs: v.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: v.DATABASE_STATEMENT_TIMEOUT_MS,
    embeddedPort: v.EMBEDDED_POSTGRES_PORT,
  };
}

export const databaseConfig = configNamespace<DatabaseConfig>('database');
