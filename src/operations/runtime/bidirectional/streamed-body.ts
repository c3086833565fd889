import { matchRoute } from '../../../router/routes.js';

/**
 * Whether a request's body must be streamed into the core instead of read whole first: only
 * InvokeModelWithBidirectionalStream, whose client keeps sending input events while it reads the answer. Every
 * other route keeps its whole-body reading.
 *
 * @example
 * hasStreamedBody('POST', '/model/amazon.nova-sonic-v1%3A0/invoke-with-bidirectional-stream'); // true
 * hasStreamedBody('POST', '/model/amazon.nova-lite-v1%3A0/converse'); // false
 */
export function hasStreamedBody(method: string, target: string): boolean {
  // Bodies of other routes are small: a cheap suffix test first keeps matching off their path.
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  if (!path.endsWith('/invoke-with-bidirectional-stream')) return false;
  const rawPath = path.startsWith('/') ? path : path.replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
  return matchRoute(method.toUpperCase(), rawPath)?.operation === 'InvokeModelWithBidirectionalStream';
}
