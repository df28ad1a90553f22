import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

const MIB = 1024 * 1024;

class CdcEnv {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  CDC_DELIVERIES_KEPT: number = 1000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  CDC_ORG_CONCURRENCY: number = 32;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CDC_QUEUE_MAX_BYTES_PER_ORG: number = 64 * MIB;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  CDC_QUEUE_MAX_BYTES: number = 256 * MIB;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  CDC_QUEUE_MAX_WAIT_MS: number = 20_000;
}

export interface CdcConfig {
  /** Notifications kept per solution in the delivery audit. */
  deliveriesKept: number;
  /**
   * Notifications of one organization in flight at once; more wait their turn, within the bounds
   * below. Notifications for one table in flight share one transaction (group commit), so a slot
   * costs a database connection only for the first of its table: the bound keeps one organization's
   * flood from taking every connection, not its throughput.
   */
  orgConcurrency: number;
  /** Bytes of request bodies waiting for one organization's turn; beyond: 503 with Retry-After. */
  queueMaxBytesPerOrg: number;
  /** Bytes of request bodies waiting, all organizations together; beyond: 503 with Retry-After. */
  queueMaxBytes: number;
  /** Longest a notification waits for its turn before it is answered 503 with Retry-After. */
  queueMaxWaitMs: number;
}

export function parseCdcConfig(env: Env): CdcConfig {
  const v = validateEnv(CdcEnv, env, [
    'CDC_DELIVERIES_KEPT',
    'CDC_ORG_CONCURRENCY',
    'CDC_QUEUE_MAX_BYTES_PER_ORG',
    'CDC_QUEUE_MAX_BYTES',
    'CDC_QUEUE_MAX_WAIT_MS',
  ]);
  return {
    deliveriesKept: v.CDC_DELIVERIES_KEPT,
    orgConcurrency: v.CDC_ORG_CONCURRENCY,
    queueMaxBytesPerOrg: v.CDC_QUEUE_MAX_BYTES_PER_ORG,
    queueMaxBytes: v.CDC_QUEUE_MAX_BYTES,
    queueMaxWaitMs: v.CDC_QUEUE_MAX_WAIT_MS,
  };
}

export const cdcConfig = configNamespace<CdcConfig>('cdc');
