import { registerAs } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigError } from './config.errors';
import { Env, validateEnv } from './env';

class AppEnv {
  @IsOptional() @Type(() => Number) @IsInt({ message: 'PORT must be an integer between 0 and 65535' }) @Min(0) @Max(65535)
  PORT: number = 3000;

  /** Any value; only `production` changes behaviour (it requires ADMIN_TOKEN and DATABASE_URL). */
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

export const appConfig = registerAs('app', () => parseAppConfig(process.env));
