import { registerAs } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';

class RealtimeEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3600)
  REALTIME_SWEEP_SECONDS: number = 5;
}

export interface RealtimeConfig {
  /** How often each node compares its subscribers' positions with the table heads (a safety net for lost rings); 0 disables. */
  sweepMs: number;
}

export function parseRealtimeConfig(env: Env): RealtimeConfig {
  return { sweepMs: validateEnv(RealtimeEnv, env, ['REALTIME_SWEEP_SECONDS']).REALTIME_SWEEP_SECONDS * 1000 };
}

export const realtimeConfig = registerAs('realtime', () => parseRealtimeConfig(process.env));
