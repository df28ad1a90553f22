import { createHash, createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new webhook secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a `whsec_…` secret (Standard Webhooks: base64 after the prefix). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)). */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per secret, space-separated (current first). */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets.map((secret) => sign(secret, id, timestamp, body)).join(' ');
}

/** What a delivery carries: the changes after `fromSeq - 1` up to `toSeq` of one table, or a reset. */
export interface BatchIdentity {
  webhookId: string;
  tableId: string;
  kind: 'table.changed' | 'table.reset';
  fromSeq: number;
  toSeq: number;
}

/**
 * `webhook-id`: a function of the batch alone, so every retry and replay of the same changes carries
 * the same id and receivers can deduplicate on it. `msg_` + hex: never a `.` (the signed content's separator).
 */
export function webhookMessageId(batch: BatchIdentity): string {
  const digest = createHash('sha256')
    .update(`${batch.webhookId}\n${batch.tableId}\n${batch.kind}\n${batch.fromSeq}\n${batch.toSeq}`)
    .digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}
