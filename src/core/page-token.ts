import { validationError } from '../errors/bedrock-errors.js';

/**
 * Opaque `nextToken`s of the List operations: the listing's name and the next offset, base64url-encoded, so
 * a token from another listing (or a made-up one) is refused with the service's error.
 */

/**
 * The token of the page starting at `offset`.
 *
 * @example
 * encodePageToken('guardrails', 20);
 */
export function encodePageToken(listing: string, offset: number): string {
  return Buffer.from(`${listing}:${offset}`).toString('base64url');
}

/**
 * The offset a token points at, or the service's `ValidationException` for a token this listing did not make.
 *
 * @example
 * decodePageToken('guardrails', encodePageToken('guardrails', 20)); // 20
 */
export function decodePageToken(listing: string, token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(`${listing}:`) ? text.slice(listing.length + 1) : '';
  if (!/^\d{1,9}$/.test(offset)) throw validationError('The pagination token is invalid.');
  return Number(offset);
}
