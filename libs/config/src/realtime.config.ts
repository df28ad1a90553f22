import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class RealtimeEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3600)
  REALTIME_SWEEP_SECONDS: number = 5;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  REALTIME_MAX_SOCKETS_PER_TOKEN: number = 1000;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: number = 1000;
}

export interface RealtimeConfig {
  /** How often each node compares its subscribers' positions with the table heads (a safety net for lost rings); 0 disables. */
  sweepMs: number;
  /** Sockets one token may hold open on one node at once; beyond, the handshake gets connect_error "limit". */
  maxSocketsPerToken: number;
  /** Tables one socket may subscribe to; beyond, the subscribe ack is `{ok: false, error: {code: 'limit'}}`. */
  maxSubscriptionsPerSocket: number;
}

export function parseRealtimeConfig(env: Env): RealtimeConfig {
  const v = validateEnv(RealtimeEnv, env, ['REALTIME_SWEEP_SECONDS', 'REALTIME_MAX_SOCKETS_PER_TOKEN', 'REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET']);
  return {
    sweepMs: v.REALTIME_SWEEP_SECONDS * 1000,
    maxSocketsPerToken: v.REALTIME_MAX_SOCKETS_PER_TOKEN,
    maxSubscriptionsPerSocket: v.REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET,
  };
}

export const realtimeConfig = configNamespace<RealtimeConfig>('realtime');
