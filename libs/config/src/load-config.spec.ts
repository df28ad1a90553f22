import { ConfigError } from './config.errors';
import { loadConfig } from './load-config';

function expectConfigError(env: Record<string, string>, variable: string): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
    expect((error as ConfigError).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${variable}`);
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.app).toMatchObject({ port: 3000, logLevel: 'info', maxBodyBytes: 26_214_400, nodeEnv: 'development' });
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.region.region).toBe('us-east-1');
    expect(config.region.publicBaseUrl).toBe('http://localhost:3000/v2.0');
    expect(config.region.baseUrls).toEqual({
      'us-east-1': 'http://localhost:3000/v2.0',
      'ap-southeast-2': null,
      'eu-central-1': null,
    });
  });

  it('derives the serving base URL from REGION_BASE_URLS and lets PUBLIC_BASE_URL override it', () => {
    const urls = JSON.stringify({ 'eu-central-1': 'https://eu.example.com/v2.0/', 'us-east-1': 'https://us.example.com/v2.0' });
    expect(loadConfig({ REGION: 'eu-central-1', REGION_BASE_URLS: urls }).region.publicBaseUrl).toBe('https://eu.example.com/v2.0');
    const own = loadConfig({ REGION: 'eu-central-1', REGION_BASE_URLS: urls, PUBLIC_BASE_URL: 'https://edge.example.com/v2.0' });
    expect(own.region.publicBaseUrl).toBe('https://edge.example.com/v2.0');
    expect(own.region.baseUrls['us-east-1']).toBe('https://us.example.com/v2.0');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REGION: 'mars-1' }, 'REGION'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REGION_BASE_URLS: '{not json' }, 'REGION_BASE_URLS'],
    [{ REGION_BASE_URLS: '["x"]' }, 'REGION_BASE_URLS'],
    [{ REGION_BASE_URLS: '{"moon-1":"http://x"}' }, 'REGION_BASE_URLS'],
    [{ REGION_BASE_URLS: '{"us-east-1":"ftp://x"}' }, 'REGION_BASE_URLS'],
    [{ PUBLIC_BASE_URL: 'nope' }, 'PUBLIC_BASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ MAX_BODY_BYTES: 'lots' }, 'MAX_BODY_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, 'ADMIN_TOKEN'],
    [{ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(40) }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(31), DATABASE_URL: 'postgres://db/x' }, 'ADMIN_TOKEN'],
    [{ ADMIN_TOKEN: `${'x'.repeat(20)} ${'y'.repeat(20)}` }, 'ADMIN_TOKEN'],
    [{ ADMIN_TOKEN: `${'x'.repeat(40)}é` }, 'ADMIN_TOKEN'],
  ])('rejects %j naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });

  it('accepts a 32-character ADMIN_TOKEN in production and a short one in development (which only warns at start)', () => {
    expect(
      loadConfig({
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'x'.repeat(32),
        DATABASE_URL: 'postgres://db/x',
        SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      }).app.adminToken,
    ).toHaveLength(32);
    expect(loadConfig({ ADMIN_TOKEN: 'short' }).app.adminToken).toBe('short');
  });

  it('shows the offending value but never an ADMIN_TOKEN', () => {
    expect(
      expectConfigError({ NODE_ENV: 'production', ADMIN_TOKEN: 'hunter2-short', DATABASE_URL: 'postgres://db/x' }, 'ADMIN_TOKEN').message,
    ).not.toContain('hunter2');
    expect(expectConfigError({ PORT: 'abc' }, 'PORT').message).toContain('"abc"');
    expect(expectConfigError({ DATABASE_URL: 'pw:hunter2@nohost' }, 'DATABASE_URL').message).not.toContain('hunter2');
  });
});

describe('auth configuration', () => {
  it('defaults to 100 failures a minute, a cache under 5 s and no proxy trust', () => {
    expect(loadConfig({}).auth).toEqual({ failureLimit: 100, failureWindowMs: 60_000, tokenCacheMs: 3000, trustProxy: false });
    expect(loadConfig({ TRUST_PROXY: 'yes' }).auth.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).auth.trustProxy).toBe(false);
  });

  it.each([
    [{ TOKEN_CACHE_MS: '6000' }, 'TOKEN_CACHE_MS'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ AUTH_FAILURE_LIMIT: '0' }, 'AUTH_FAILURE_LIMIT'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
