import { parseCdcConfig } from './cdc.config';
import { ConfigError } from './config.errors';
import { parseDataConfig } from './data.config';

function errorOf(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('write-path limits', () => {
  it('defaults to 1,000 tables per solution and a bounded CDC queue', () => {
    expect(parseDataConfig({}).maxTablesPerSolution).toBe(1000);
    expect(parseCdcConfig({})).toMatchObject({
      queueMaxBytesPerOrg: 64 * 1024 * 1024,
      queueMaxBytes: 256 * 1024 * 1024,
      queueMaxWaitMs: 20_000,
    });
  });

  it('reads the variables', () => {
    expect(parseDataConfig({ MAX_TABLES_PER_SOLUTION: '5' }).maxTablesPerSolution).toBe(5);
    expect(
      parseCdcConfig({ CDC_QUEUE_MAX_BYTES_PER_ORG: '4096', CDC_QUEUE_MAX_BYTES: '8192', CDC_QUEUE_MAX_WAIT_MS: '1000' }),
    ).toMatchObject({
      queueMaxBytesPerOrg: 4096,
      queueMaxBytes: 8192,
      queueMaxWaitMs: 1000,
    });
  });

  it.each([
    ['MAX_TABLES_PER_SOLUTION', '0', parseDataConfig],
    ['MAX_TABLES_PER_SOLUTION', 'many', parseDataConfig],
    ['CDC_QUEUE_MAX_BYTES_PER_ORG', '-1', parseCdcConfig],
    ['CDC_QUEUE_MAX_BYTES', '1.5', parseCdcConfig],
    ['CDC_QUEUE_MAX_WAIT_MS', '0', parseCdcConfig],
  ])('refuses %s=%s, naming the variable', (name, value, parse) => {
    expect(errorOf(() => parse({ [name]: value })).message).toContain(name);
  });
});
