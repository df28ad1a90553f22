import { IsOptional, IsString } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.errors';
import { Env, validateEnv } from './env';
import { configNamespace } from './config-namespace';

class SecretsEnv {
  @IsOptional()
  @IsString()
  SECRETS_KEY?: string;

  @IsOptional()
  @IsString()
  DATA_DIR = '.data';
}

export interface SecretsConfig {
  /** SECRETS_KEY decoded (32 bytes); undefined in development: the key file is used. */
  key: Buffer | undefined;
  /** Where the development key is generated once (mode 600) and read from. */
  keyFile: string;
}

/** 32 bytes, base64 (standard or URL-safe); anything else is a configuration error naming the variable. */
export function decodeSecretsKey(value: string, variable = 'SECRETS_KEY'): Buffer {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) throw new ConfigError(variable, 'must be 32 bytes, base64-encoded');
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError(variable, `must be 32 bytes, base64-encoded (decodes to ${key.length} bytes)`);
  return key;
}

export function parseSecretsConfig(env: Env): SecretsConfig {
  const v = validateEnv(SecretsEnv, env, ['SECRETS_KEY', 'DATA_DIR']);
  if (env.NODE_ENV === 'production' && !v.SECRETS_KEY) {
    throw new ConfigError('SECRETS_KEY', 'is required when NODE_ENV=production (32 bytes, base64: e.g. `openssl rand -base64 32`)');
  }
  return { key: v.SECRETS_KEY ? decodeSecretsKey(v.SECRETS_KEY) : undefined, keyFile: join(v.DATA_DIR, 'secrets.key') };
}

/**
 * The key that encrypts stored secrets: SECRETS_KEY, or (development) the key file, generated once
 * with mode 600. Several processes starting at once agree: only one creation wins (an atomic
 * link), the others read what it wrote.
 */
export function resolveSecretsKey(config: SecretsConfig): Buffer {
  if (config.key) return config.key;
  mkdirSync(dirname(config.keyFile), { recursive: true });
  // Written whole to a file of its own, then linked into place: a reader never sees a half-written key.
  const draft = `${config.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(draft, config.keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return decodeSecretsKey(readFileSync(config.keyFile, 'utf8').trim(), config.keyFile);
}

export const secretsConfig = configNamespace<SecretsConfig>('secrets');
