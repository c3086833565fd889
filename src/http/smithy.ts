import { Readable } from 'node:stream';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { handleBedrockRequest } from '../core/handle-request.js';
import { connectionResetError } from '../faults/apply-fault.js';
import type { LocalHttpRequest } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import { hasStreamedBody } from '../operations/runtime/bidirectional/streamed-body.js';

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

/**
 * An event-stream request body (InvokeModelWithBidirectionalStream): the SDK's event-stream handler hands over a
 * Node stream of signed frames that the caller's input keeps feeding after the request is sent.
 */
function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/**
 * Smithy request → core request. Header names are lower-cased; InvokeModelWithBidirectionalStream's streamed body
 * is passed through as `bodyStream` (other operations send bytes).
 */
export function fromSmithyRequest(request: HttpRequest): LocalHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of Object.entries(request.query ?? {})) query[name] = value === null ? undefined : value;
  const method = request.method.toUpperCase();
  if (isByteStream(request.body) && hasStreamedBody(method, request.path)) return { method, path: request.path, query, headers, body: EMPTY_BODY, bodyStream: request.body };
  return { method, path: request.path, query, headers, body: toBytes(request.body) };
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** An answered request: the SDK response, and for streams a way to end the backend work behind it. */
export interface SmithyAnswer {
  response: HttpResponse;
  /** Ends the backend call behind a streamed body; a no-op for other responses. */
  release: () => void;
}

const NOTHING_TO_RELEASE = () => {};

/**
 * Answers one SDK request through the core, for both in-process doors. A streamed body's backend call ends
 * when the SDK destroys the body or the caller aborts; a caller's abort also fails the stream, as a real
 * connection reset would.
 */
export async function answerSmithyRequest(runtime: LocalBedrockRuntime, request: HttpRequest, callerSignal: AbortSignal | undefined): Promise<SmithyAnswer> {
  if (callerSignal?.aborted) throw abortError();
  const answer = await handleBedrockRequest(runtime, fromSmithyRequest(request), { signal: callerSignal });
  if (answer.dropped) throw connectionResetError();
  if (answer.body instanceof Uint8Array) {
    return { response: new HttpResponse({ statusCode: answer.statusCode, headers: answer.headers, body: answer.body }), release: NOTHING_TO_RELEASE };
  }
  const release = answer.cancel ?? NOTHING_TO_RELEASE;
  const body = Readable.from(answer.body, { objectMode: false });
  const failOnCallerAbort = () => body.destroy(abortError());
  callerSignal?.addEventListener('abort', failOnCallerAbort, { once: true });
  body.once('close', () => {
    callerSignal?.removeEventListener('abort', failOnCallerAbort);
    release();
  });
  return { response: new HttpResponse({ statusCode: answer.statusCode, headers: answer.headers, body }), release };
}
