import { IsIn, IsOptional, IsString, IsUrl } from 'class-validator';
import { ConfigError } from './config.errors';
import { Env, validateEnv } from './env';
import { REGION_CODES, RegionCode, isRegionCode } from './regions';
import { configNamespace } from './config-namespace';

const URL_OPTIONS = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

class RegionEnv {
  @IsOptional() @IsIn(REGION_CODES, { message: `REGION must be one of ${REGION_CODES.join(', ')}` })
  REGION: RegionCode = 'us-east-1';

  @IsOptional() @IsUrl(URL_OPTIONS, { message: 'PUBLIC_BASE_URL must be an http(s) URL' })
  PUBLIC_BASE_URL?: string;

  @IsOptional() @IsString()
  REGION_BASE_URLS = '{}';
}

export interface RegionConfig {
  /** The region this deployment serves. */
  region: RegionCode;
  /** Base URL (ending in /v2.0) used in the URLs the API hands out. */
  publicBaseUrl: string;
  /** Every region's public base URL; null where the operator has not configured one. */
  baseUrls: Record<RegionCode, string | null>;
}

export function parseRegionConfig(env: Env, port: number): RegionConfig {
  const v = validateEnv(RegionEnv, env, ['REGION', 'PUBLIC_BASE_URL', 'REGION_BASE_URLS']);
  const configured = parseBaseUrls(v.REGION_BASE_URLS);
  const ownDefault = v.PUBLIC_BASE_URL ?? configured[v.REGION] ?? `http://localhost:${port}/v2.0`;
  const baseUrls = Object.fromEntries(
    REGION_CODES.map((code) => [code, code === v.REGION ? ownDefault : (configured[code] ?? null)]),
  ) as Record<RegionCode, string | null>;
  return { region: v.REGION, publicBaseUrl: stripSlash(ownDefault), baseUrls };
}

function parseBaseUrls(text: string): Partial<Record<RegionCode, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('REGION_BASE_URLS', 'must be a JSON object from region to base URL');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('REGION_BASE_URLS', 'must be a JSON object from region to base URL');
  }
  const result: Partial<Record<RegionCode, string>> = {};
  for (const [region, url] of Object.entries(parsed)) {
    if (!isRegionCode(region)) {
      throw new ConfigError('REGION_BASE_URLS', `names an unknown region ${JSON.stringify(region)} (known: ${REGION_CODES.join(', ')})`);
    }
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      throw new ConfigError('REGION_BASE_URLS', `has a malformed URL for ${region}`);
    }
    result[region] = stripSlash(url);
  }
  return result;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export const regionConfig = configNamespace<RegionConfig>('region');
