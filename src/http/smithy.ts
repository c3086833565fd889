import { Readable } from 'node:stream';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';

/**
 * The one place that touches Smithy's `HttpRequest`/`HttpResponse`: conversions between them and the
 * core's HTTP-shaped values.
 */

const EMPTY_BODY = new Uint8Array();
const encoder = new TextEncoder();

function toBytes(body: unknown): Uint8Array {
  if (body === undefined || body === null) return EMPTY_BODY;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('local-bedrock received a request body it cannot read (a stream); Bedrock operations send bytes.');
}

/** Smithy request → core request. Header names are lower-cased. */
export function fromSmithyRequest(request: HttpRequest): LocalHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of Object.entries(request.query ?? {})) query[name] = value === null ? undefined : value;
  return { method: request.method.toUpperCase(), path: request.path, query, headers, body: toBytes(request.body) };
}

/** Core response → Smithy response. Event streams become a Node `Readable`, which every SDK version reads. */
export function toSmithyResponse(response: LocalHttpResponse): HttpResponse {
  const body = response.body instanceof Uint8Array ? response.body : Readable.from(response.body, { objectMode: false });
  return new HttpResponse({ statusCode: response.statusCode, headers: response.headers, body });
}
