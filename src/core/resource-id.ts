import { randomBytes } from 'node:crypto';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A 12-character `[a-z0-9]` id, the form Bedrock gives its resources (guardrails, jobs, application
 * profiles, async invocations).
 *
 * @example
 * newResourceId(); // 'k3v9x0q2m7ab'
 */
export function newResourceId(): string {
  let id = '';
  for (const byte of randomBytes(12)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
