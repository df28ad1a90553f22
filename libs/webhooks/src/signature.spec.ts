import { generateWebhookSecret, secretKey, sign, signatureHeader, webhookMessageId } from './signature';

describe('Standard Webhooks signing', () => {
  it('matches the specification’s known-answer vector', () => {
    expect(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('sends one signature per secret, space-separated', () => {
    const header = signatureHeader(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', generateWebhookSecret()], 'msg_1', 1, '{}');
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', 1, '{}'));
    expect(parts[1]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('makes secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('derives the message id from the batch alone, without a dot', () => {
    const batch = { webhookId: 'w', tableId: '1', kind: 'table.changed' as const, fromSeq: 1, toSeq: 100 };
    expect(webhookMessageId(batch)).toBe(webhookMessageId({ ...batch }));
    expect(webhookMessageId(batch)).not.toBe(webhookMessageId({ ...batch, toSeq: 99 }));
    expect(webhookMessageId(batch)).not.toBe(webhookMessageId({ ...batch, tableId: '2' }));
    expect(webhookMessageId(batch)).toMatch(/^msg_[0-9a-f]{32}$/);
  });
});
