import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class AuthEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  AUTH_FAILURE_LIMIT: number = 100;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  AUTH_FAILURE_WINDOW_SECONDS: number = 60;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(5000, { message: 'TOKEN_CACHE_MS must be at most 5000 (revocation must reach every instance within 5 s)' })
  TOKEN_CACHE_MS: number = 3000;

  @IsOptional() @IsIn(['true', 'false'], { message: 'TRUST_PROXY must be true or false' })
  TRUST_PROXY: string = 'false';
}

export interface AuthConfig {
  /** Failed authentications one client address may make per window before it gets 429. */
  failureLimit: number;
  failureWindowMs: number;
  /** How long a validated token is trusted without asking the database. */
  tokenCacheMs: number;
  /** Take the client address from X-Forwarded-For (behind a trusted proxy). */
  trustProxy: boolean;
}

export function parseAuthConfig(env: Env): AuthConfig {
  const v = validateEnv(AuthEnv, { ...env, TRUST_PROXY: normalizeBoolean(env.TRUST_PROXY) }, [
    'AUTH_FAILURE_LIMIT',
    'AUTH_FAILURE_WINDOW_SECONDS',
    'TOKEN_CACHE_MS',
    'TRUST_PROXY',
  ]);
  return {
    failureLimit: v.AUTH_FAILURE_LIMIT,
    failureWindowMs: v.AUTH_FAILURE_WINDOW_SECONDS * 1000,
    tokenCacheMs: v.TOKEN_CACHE_MS,
    trustProxy: v.TRUST_PROXY === 'true',
  };
}

function normalizeBoolean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(lower)) return 'true';
  if (['0', 'false', 'no', ''].includes(lower)) return 'false';
  return value;
}

export const authConfig = configNamespace<AuthConfig>('auth');
