/** Secrets DCP hands out (API tokens, workflow callback tokens): random, and stored only as a hash. */
import { createHash, randomBytes } from 'node:crypto';

/** A new secret: `prefix` (which says what it is) and 192 random bits, URL-safe. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** What is stored of a secret: its SHA-256, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
