import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class ParseEnv {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000_000)
  CDC_MAX_ROWS: number = 100_000;
}

export interface ParseConfig {
  /** Rows (Inserted + Deleted) one Acumatica notification may hold; more is 413, found while parsing. */
  maxRows: number;
}

export function parseParseConfig(env: Env): ParseConfig {
  const v = validateEnv(ParseEnv, env, ['CDC_MAX_ROWS']);
  return { maxRows: v.CDC_MAX_ROWS };
}

export const parseConfig = configNamespace<ParseConfig>('parse');
