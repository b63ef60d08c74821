import { createHash, randomBytes } from 'node:crypto';

/** Token secrets are `amber_` + 32 random bytes (base64url); only their SHA-256 is stored. */
const PREFIX = 'amber_';

export function newTokenSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function newTokenId(): string {
  return 'tok_' + randomBytes(8).toString('hex');
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeTokenSecret(value: string): boolean {
  return value.startsWith(PREFIX) && value.length === PREFIX.length + 43;
}
