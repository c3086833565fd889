import { decodePageToken, encodePageToken } from '../../core/page-token.js';
import type { LocalHttpRequest } from '../../core/http-types.js';
import { ConstraintErrors } from '../../codecs/constraint-errors.js';

/** One query parameter as a single string (the first, when a client repeats it). */
export function queryValue(request: LocalHttpRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A timestamp query parameter (`submitTimeAfter=2024-01-01T00:00:00Z`) as milliseconds; an unreadable one is
 * recorded as a constraint violation.
 */
export function timeQuery(errors: ConstraintErrors, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) errors.add(name, value, 'Member must be a timestamp in ISO-8601 format');
  return time;
}

/** One page of a listing and the token of the next, as the control plane's List operations answer. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Cuts one page out of a listing with `maxResults` (1..`limit`, default `limit`) and an opaque `nextToken`
 * (base64 of the next offset, tied to the listing's name so a token of another listing is refused).
 */
export function paginate<T>(request: LocalHttpRequest, items: readonly T[], listing: string, limit = 1000): Page<T> {
  const errors = new ConstraintErrors();
  const rawMax = queryValue(request, 'maxResults');
  const maxResults = rawMax === undefined ? limit : Number(rawMax);
  errors.checkRange('maxResults', rawMax === undefined ? undefined : Number.isInteger(maxResults) ? maxResults : Number.NaN, 1, limit);
  errors.throwIfAny();
  const token = queryValue(request, 'nextToken');
  const offset = token === undefined ? 0 : decodePageToken(listing, token);
  const end = offset + maxResults;
  return { items: items.slice(offset, end), ...(end < items.length ? { nextToken: encodePageToken(listing, end) } : {}) };
}
