import type { LocalHttpResponse } from '../core/http-types.js';

const encoder = new TextEncoder();

/**
 * A JSON response, 200 unless `statusCode` says otherwise (control-plane writes answer 202). The body is bytes:
 * the SDK reads a `Uint8Array` faster than a stream.
 */
export function jsonResponse(body: unknown, requestId: string, headers: Record<string, string> = {}, statusCode = 200): LocalHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...headers },
    body: encoder.encode(JSON.stringify(body)),
  };
}
