import { Readable } from 'node:stream';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { handleBedrockRequest } from '../core/handle-request.js';
import type { LocalHttpRequest } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';

/**
 * The one module that touches Smithy's `HttpRequest`/`HttpResponse`: it converts them to and from the core's
 * HTTP-shaped values for the in-process front doors.
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

/** Whether the SDK handed over an HTTP request (it always does for Bedrock clients). */
export function isSmithyHttpRequest(value: unknown): value is HttpRequest {
  return HttpRequest.isInstance(value);
}

/** Smithy request → core request. Header names are lower-cased. */
export function fromSmithyRequest(request: HttpRequest): LocalHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of Object.entries(request.query ?? {})) query[name] = value === null ? undefined : value;
  return { method: request.method.toUpperCase(), path: request.path, query, headers, body: toBytes(request.body) };
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** How the caller of one request can end it early. */
export interface SmithyCancellation {
  /** The `abortSignal` given to `client.send()`: ends the backend call and fails the stream being read. */
  callerSignal?: AbortSignal;
  /** Fires when the consumer stopped reading a stream: ends the backend call quietly. */
  consumerGone?: AbortSignal;
}

/**
 * Answers one SDK request through the core, for both in-process doors. The core's signal fires when the
 * caller aborts, when the consumer stops reading, or when the SDK destroys the body, so the backend call
 * never outlives its reader; a caller's abort also fails the stream, as a real connection reset would.
 */
export async function answerSmithyRequest(runtime: LocalBedrockRuntime, request: HttpRequest, cancellation: SmithyCancellation = {}): Promise<HttpResponse> {
  const { callerSignal, consumerGone } = cancellation;
  if (callerSignal?.aborted) throw abortError();
  const requestAbort = new AbortController();
  const abortRequest = () => requestAbort.abort();
  callerSignal?.addEventListener('abort', abortRequest, { once: true });
  consumerGone?.addEventListener('abort', abortRequest, { once: true });
  const response = await handleBedrockRequest(runtime, fromSmithyRequest(request), { signal: requestAbort.signal });
  if (response.body instanceof Uint8Array) {
    callerSignal?.removeEventListener('abort', abortRequest);
    consumerGone?.removeEventListener('abort', abortRequest);
    return new HttpResponse({ statusCode: response.statusCode, headers: response.headers, body: response.body });
  }
  const body = Readable.from(response.body, { objectMode: false });
  const failOnCallerAbort = () => body.destroy(abortError());
  callerSignal?.addEventListener('abort', failOnCallerAbort, { once: true });
  body.once('close', () => {
    callerSignal?.removeEventListener('abort', abortRequest);
    callerSignal?.removeEventListener('abort', failOnCallerAbort);
    consumerGone?.removeEventListener('abort', abortRequest);
    requestAbort.abort();
  });
  return new HttpResponse({ statusCode: response.statusCode, headers: response.headers, body });
}
