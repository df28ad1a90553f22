import { ConfigError } from './config.errors';
import { parseHttpConfig } from './http.config';

describe('parseHttpConfig (CORS_ORIGINS)', () => {
  it('defaults to no origins', () => {
    expect(parseHttpConfig({}).corsOrigins).toEqual([]);
    expect(parseHttpConfig({ CORS_ORIGINS: ' ' }).corsOrigins).toEqual([]);
  });

  it('reads *, and a list normalized the way browsers send Origin', () => {
    expect(parseHttpConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(parseHttpConfig({ CORS_ORIGINS: 'https://App.example.com/, http://localhost:5173,https://x.io:443' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'https://x.io',
    ]);
  });

  it.each(['*,https://a.example.com', 'app.example.com', 'https://a.example.com/path', 'ftp://a.example.com'])(
    'refuses %j naming the variable',
    (value) => {
      expect(() => parseHttpConfig({ CORS_ORIGINS: value })).toThrow(ConfigError);
      expect(() => parseHttpConfig({ CORS_ORIGINS: value })).toThrow(/^Invalid configuration: CORS_ORIGINS /);
    },
  );
});
