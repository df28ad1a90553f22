import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Personal access tokens start with tcp_, generated operator tokens with tca_. */
export const PAT_PREFIX = 'tcp_';
export const OPERATOR_PREFIX = 'tca_';

/** 32 random bytes, base64url: 256 bits of entropy behind a recognisable prefix. */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256, not bcrypt: the tokens are high-entropy, so a fast hash is safe and allows a unique index lookup. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** What a listing shows so a person can tell tokens apart: the prefix and 8 characters. */
export function displayPrefix(token: string): string {
  return token.slice(0, PAT_PREFIX.length + 8);
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
