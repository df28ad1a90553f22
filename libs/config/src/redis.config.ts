import { IsOptional, IsUrl } from 'class-validator';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class RedisEnv {
  @IsOptional()
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true }, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
}

export interface RedisConfig {
  /** When set, Socket.IO nodes share events through Redis; otherwise through PostgreSQL. */
  url: string | undefined;
}

export function parseRedisConfig(env: Env): RedisConfig {
  return { url: validateEnv(RedisEnv, env, ['REDIS_URL']).REDIS_URL };
}

export const redisConfig = configNamespace<RedisConfig>('redis');
