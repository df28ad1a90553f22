import { registerAs } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';

class CdcEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  CDC_DELIVERIES_KEPT: number = 1000;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  CDC_ORG_CONCURRENCY: number = 8;
}

export interface CdcConfig {
  /** Notifications kept per solution in the delivery audit. */
  deliveriesKept: number;
  /** Notifications of one organization applied at once; more wait their turn (never rejected). */
  orgConcurrency: number;
}

export function parseCdcConfig(env: Env): CdcConfig {
  const v = validateEnv(CdcEnv, env, ['CDC_DELIVERIES_KEPT', 'CDC_ORG_CONCURRENCY']);
  return { deliveriesKept: v.CDC_DELIVERIES_KEPT, orgConcurrency: v.CDC_ORG_CONCURRENCY };
}

export const cdcConfig = registerAs('cdc', () => parseCdcConfig(process.env));
