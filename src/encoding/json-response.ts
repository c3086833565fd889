import type { LocalHttpResponse } from '../core/http-types.js';

const encoder = new TextEncoder();

/** A 200 JSON response. The body is bytes: the SDK reads a `Uint8Array` faster than a stream. */
export function jsonResponse(body: unknown, requestId: string, headers: Record<string, string> = {}): LocalHttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...headers },
    body: encoder.encode(JSON.stringify(body)),
  };
}
