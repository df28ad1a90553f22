import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class PullEnv {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  ACUMATICA_PAGE_SIZE: number = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  ACUMATICA_TIMEOUT_MS: number = 60_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  ACUMATICA_RETRY_ATTEMPTS: number = 5;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  ACUMATICA_BACKOFF_MS: number = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  RELOAD_SWEEP_MS: number = 10_000;
}

export interface PullConfig {
  /** `$top` of each OData page. */
  pageSize: number;
  /** One Acumatica request's time budget; past it the request is retried. */
  timeoutMs: number;
  /** Attempts per Acumatica request on 429, 5xx and timeouts. */
  attempts: number;
  /** First backoff between attempts (doubled each time, capped at 30 s; Retry-After wins). */
  backoffMs: number;
  /** How often a node looks for due schedules and reloads whose node died. */
  sweepMs: number;
  /** A reload interrupted this many times (crashes) fails instead of running again. */
  maxAttempts: number;
}

export function parsePullConfig(env: Env): PullConfig {
  const v = validateEnv(PullEnv, env, [
    'ACUMATICA_PAGE_SIZE',
    'ACUMATICA_TIMEOUT_MS',
    'ACUMATICA_RETRY_ATTEMPTS',
    'ACUMATICA_BACKOFF_MS',
    'RELOAD_SWEEP_MS',
  ]);
  return {
    pageSize: v.ACUMATICA_PAGE_SIZE,
    timeoutMs: v.ACUMATICA_TIMEOUT_MS,
    attempts: v.ACUMATICA_RETRY_ATTEMPTS,
    backoffMs: v.ACUMATICA_BACKOFF_MS,
    sweepMs: v.RELOAD_SWEEP_MS,
    maxAttempts: 3,
  };
}

export const pullConfig = configNamespace<PullConfig>('pull');
