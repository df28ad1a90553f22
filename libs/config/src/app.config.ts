import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigError } from './config.errors';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

/** Shortest ADMIN_TOKEN accepted in production (development only warns). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

class AppEnv {
  @IsOptional() @Type(() => Number) @IsInt({ message: 'PORT must be an integer between 0 and 65535' }) @Min(0) @Max(65535)
  PORT: number = 3000;

  /** Any value; only `production` changes behaviour (it requires a long ADMIN_TOKEN and DATABASE_URL). */
  @IsOptional() @IsString()
  NODE_ENV = 'development';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @Type(() => Number) @IsInt({ message: 'MAX_BODY_BYTES must be a whole number of bytes' }) @Min(1)
  MAX_BODY_BYTES: number = 26_214_400;

  @IsOptional() @IsString()
  ADMIN_TOKEN?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1000)
  REQUEST_TIMEOUT_MS: number = 30_000;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;
}

export interface AppConfig {
  port: number;
  nodeEnv: string;
  logLevel: string;
  maxBodyBytes: number;
  adminToken: string | undefined;
  /** Longest a request may take, headers and body included, before the socket is closed. */
  requestTimeoutMs: number;
  /** How long a SIGTERM waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
}

export function parseAppConfig(env: Env): AppConfig {
  const v = validateEnv(AppEnv, env, [
    'PORT',
    'NODE_ENV',
    'LOG_LEVEL',
    'MAX_BODY_BYTES',
    'ADMIN_TOKEN',
    'REQUEST_TIMEOUT_MS',
    'SHUTDOWN_TIMEOUT_MS',
  ]);
  const nodeEnv = v.NODE_ENV;
  if (nodeEnv === 'production' && !v.ADMIN_TOKEN) {
    throw new ConfigError('ADMIN_TOKEN', 'is required when NODE_ENV=production');
  }
  // It travels in an Authorization header: visible ASCII only, no spaces.
  if (v.ADMIN_TOKEN && !/^[!-~]+$/.test(v.ADMIN_TOKEN)) {
    throw new ConfigError('ADMIN_TOKEN', 'must consist of visible ASCII characters without spaces (it is sent as "Authorization: Bearer <token>")');
  }
  // Development only warns (at start) about a short ADMIN_TOKEN; production refuses to start with one.
  if (nodeEnv === 'production' && v.ADMIN_TOKEN && v.ADMIN_TOKEN.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError('ADMIN_TOKEN', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters when NODE_ENV=production (use a long random secret)`);
  }
  return {
    port: v.PORT,
    nodeEnv,
    logLevel: v.LOG_LEVEL,
    maxBodyBytes: v.MAX_BODY_BYTES,
    adminToken: v.ADMIN_TOKEN,
    requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
  };
}

export const appConfig = configNamespace<AppConfig>('app');
