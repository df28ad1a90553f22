import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class DataEnv {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(7, { message: 'RETENTION_DAYS must be at least 7 (Acumatica retries for days)' })
  RETENTION_DAYS: number = 7;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RETENTION_SWEEP_SECONDS: number = 300;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  MAX_RECORD_BYTES: number = 358_400;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_TABLES_PER_SOLUTION: number = 1000;
}

export interface DataConfig {
  /** Tombstones, changes and dedupe marks older than this are purged. */
  retentionMs: number;
  /** How often the purge runs; 0 disables the schedule. */
  retentionSweepMs: number;
  /** Largest record `data`, serialized. */
  maxRecordBytes: number;
  /** Tables one solution may hold; creating more (REST or a notification) is refused with 409. */
  maxTablesPerSolution: number;
}

export function parseDataConfig(env: Env): DataConfig {
  const v = validateEnv(DataEnv, env, ['RETENTION_DAYS', 'RETENTION_SWEEP_SECONDS', 'MAX_RECORD_BYTES', 'MAX_TABLES_PER_SOLUTION']);
  return {
    retentionMs: v.RETENTION_DAYS * 86_400_000,
    retentionSweepMs: v.RETENTION_SWEEP_SECONDS * 1000,
    maxRecordBytes: v.MAX_RECORD_BYTES,
    maxTablesPerSolution: v.MAX_TABLES_PER_SOLUTION,
  };
}

export const dataConfig = configNamespace<DataConfig>('data');
