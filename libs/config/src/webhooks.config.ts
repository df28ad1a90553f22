import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

/** CONTRACT section 8: the waits before retries 1…7; after the 8th failed attempt the webhook is disabled. */
export const WEBHOOK_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

class WebhooksEnv {
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  WEBHOOK_RETRY_SCALE: number = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  WEBHOOK_SWEEP_MS: number = 2000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(20)
  @Max(3600)
  WEBHOOK_LEASE_SECONDS: number = 60;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CONCURRENCY: number = 16;
}

export interface WebhooksConfig {
  /** Waits before each retry (the contract's schedule times WEBHOOK_RETRY_SCALE; 1 in production). */
  retryScheduleMs: number[];
  /** How often each node looks for due work (new tables, retries, changes rung on another node). */
  sweepMs: number;
  /** A claimed delivery is this node's for this long; a node that died mid-delivery is replaced after it. */
  leaseMs: number;
  /** Deliveries one node sends at once (each to a different webhook and table). */
  concurrency: number;
  /** An attempt's whole time budget (contract: 2xx within 15 s). */
  timeoutMs: number;
}

export function parseWebhooksConfig(env: Env): WebhooksConfig {
  const v = validateEnv(WebhooksEnv, env, ['WEBHOOK_RETRY_SCALE', 'WEBHOOK_SWEEP_MS', 'WEBHOOK_LEASE_SECONDS', 'WEBHOOK_CONCURRENCY']);
  return {
    retryScheduleMs: WEBHOOK_RETRY_SCHEDULE_MS.map((ms) => Math.round(ms * v.WEBHOOK_RETRY_SCALE)),
    sweepMs: v.WEBHOOK_SWEEP_MS,
    leaseMs: v.WEBHOOK_LEASE_SECONDS * 1000,
    concurrency: v.WEBHOOK_CONCURRENCY,
    timeoutMs: 15_000,
  };
}

export const webhooksConfig = configNamespace<WebhooksConfig>('webhooks');
