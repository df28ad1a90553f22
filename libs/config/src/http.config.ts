import { ConfigError } from './config.errors';
import { Env } from './env';
import { configNamespace } from './config-namespace';

/** Which browser origins may call the API (HTTP and Socket.IO polling) from another origin. */
export interface HttpConfig {
  /**
   * `[]` (the default): no CORS headers at all, so browsers allow same-origin use only.
   * `'*'`: any origin, never with credentials. Otherwise the exact origins allowed.
   */
  corsOrigins: string[] | '*';
}

const ORIGIN = /^https?:\/\/[^/\s?#]+$/i;

export function parseHttpConfig(env: Env): HttpConfig {
  const raw = env.CORS_ORIGINS?.trim() ?? '';
  if (raw === '') return { corsOrigins: [] };
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.includes('*')) {
    if (entries.length > 1)
      throw new ConfigError('CORS_ORIGINS', `is either * or a list of origins, not both (got ${JSON.stringify(raw)})`);
    return { corsOrigins: '*' };
  }
  const origins = entries.map((entry) => entry.replace(/\/$/, ''));
  const bad = origins.find((origin) => !ORIGIN.test(origin) || !URL.canParse(origin));
  if (bad !== undefined) {
    throw new ConfigError(
      'CORS_ORIGINS',
      `must be * or comma-separated origins such as https://app.example.com, without a path (got ${JSON.stringify(bad)})`,
    );
  }
  // Browsers send the origin in lower case with default ports omitted: compare it that way.
  return { corsOrigins: [...new Set(origins.map((origin) => new URL(origin).origin))] };
}

export const httpConfig = configNamespace<HttpConfig>('http');
