import { ConfigError } from './config.errors';
import { loadConfig } from './load-config';

describe('parse configuration', () => {
  it('allows 100,000 rows per notification by default', () => {
    expect(loadConfig({}).parse).toEqual({ maxRows: 100_000 });
    expect(loadConfig({ CDC_MAX_ROWS: '500' }).parse.maxRows).toBe(500);
  });

  it.each(['0', '-1', '1.5', 'lots', '10000001'])('refuses CDC_MAX_ROWS=%s naming it', (value) => {
    expect(() => loadConfig({ CDC_MAX_ROWS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CDC_MAX_ROWS: value })).toThrow('CDC_MAX_ROWS');
  });
});
