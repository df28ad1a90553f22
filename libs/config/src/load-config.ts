import { ConfigError } from './config.errors';
import { AppConfig, parseAppConfig } from './app.config';
import { AuthConfig, parseAuthConfig } from './auth.config';
import { CdcConfig, parseCdcConfig } from './cdc.config';
import { DataConfig, parseDataConfig } from './data.config';
import { parseRealtimeConfig, RealtimeConfig } from './realtime.config';
import { DatabaseConfig, parseDatabaseConfig } from './database.config';
import { ParseConfig, parseParseConfig } from './parse.config';
import { Env } from './env';
import { HttpConfig, parseHttpConfig } from './http.config';
import { parseRedisConfig, RedisConfig } from './redis.config';
import { parseRegionConfig, RegionConfig } from './region.config';
import { OutboundConfig, parseOutboundConfig } from './outbound.config';
import { parseSecretsConfig, SecretsConfig } from './secrets.config';
import { parseWebhooksConfig, WebhooksConfig } from './webhooks.config';
import { parsePullConfig, PullConfig } from './pull.config';

export interface TablecastConfig {
  app: AppConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
  region: RegionConfig;
  auth: AuthConfig;
  data: DataConfig;
  cdc: CdcConfig;
  realtime: RealtimeConfig;
  http: HttpConfig;
  parse: ParseConfig;
  secrets: SecretsConfig;
  outbound: OutboundConfig;
  webhooks: WebhooksConfig;
  pull: PullConfig;
}

/** Reads and validates every namespace at once; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): TablecastConfig {
  const app = parseAppConfig(env);
  return {
    app,
    database: parseDatabaseConfig(env),
    redis: parseRedisConfig(env),
    region: parseRegionConfig(env, app.port),
    auth: parseAuthConfig(env),
    data: parseDataConfig(env),
    cdc: parseCdcConfig(env),
    realtime: parseRealtimeConfig(env),
    http: parseHttpConfig(env),
    parse: parseParseConfig(env),
    secrets: parseSecretsConfig(env),
    outbound: parseOutboundConfig(env),
    webhooks: parseWebhooksConfig(env),
    pull: parsePullConfig(env),
  };
}

/** For process entry points: a bad value prints one line naming the variable and exits 1. */
export function loadConfigOrExit(env: Env = process.env): TablecastConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
