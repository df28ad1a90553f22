import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutboundConfig } from './outbound.config';
import { parseSecretsConfig, resolveSecretsKey } from './secrets.config';
import { parseWebhooksConfig, WEBHOOK_RETRY_SCHEDULE_MS } from './webhooks.config';

describe('secrets configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tablecast-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes SECRETS_KEY as 32 bytes of base64, never echoing it when wrong', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseSecretsConfig({ SECRETS_KEY: key }).key).toEqual(Buffer.alloc(32, 7));
    expect(() => parseSecretsConfig({ SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/SECRETS_KEY must be 32 bytes/);
    expect(() => parseSecretsConfig({ SECRETS_KEY: 'not base64!' })).toThrow(/SECRETS_KEY/);
    expect(() => parseSecretsConfig({ SECRETS_KEY: 'not base64!' })).not.toThrow(/not base64!/);
  });

  it('requires SECRETS_KEY when NODE_ENV=production', () => {
    expect(() => parseSecretsConfig({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEY is required/);
  });

  it('generates the development key once into DATA_DIR/secrets.key, mode 600, and reads it back', () => {
    const config = parseSecretsConfig({ DATA_DIR: dir });
    expect(config.key).toBeUndefined();
    const key = resolveSecretsKey(config);
    expect(key).toHaveLength(32);
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretsKey(parseSecretsConfig({ DATA_DIR: dir }))).toEqual(key);
    expect(readFileSync(join(dir, 'secrets.key'), 'utf8').trim()).toBe(key.toString('base64'));
  });

  it('reads ALLOW_PRIVATE_NETWORK as a boolean, and the webhook schedule at its contract default', () => {
    expect(parseOutboundConfig({}).allowPrivateNetwork).toBe(false);
    expect(parseOutboundConfig({ ALLOW_PRIVATE_NETWORK: 'TRUE' }).allowPrivateNetwork).toBe(true);
    expect(() => parseOutboundConfig({ ALLOW_PRIVATE_NETWORK: 'maybe' })).toThrow(/ALLOW_PRIVATE_NETWORK/);
    expect(parseWebhooksConfig({}).retryScheduleMs).toEqual(WEBHOOK_RETRY_SCHEDULE_MS);
    expect(parseWebhooksConfig({}).timeoutMs).toBe(15_000);
    expect(() => parseWebhooksConfig({ WEBHOOK_RETRY_SCALE: '2' })).toThrow(/WEBHOOK_RETRY_SCALE/);
  });
});
