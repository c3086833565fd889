import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as http2Constants, Http2ServerResponse, type Http2ServerRequest } from 'node:http2';
import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';

/**
 * Converts between Node's servers (`node:http` and the `node:http2` compatibility API, which share one shape)
 * and the core's HTTP-shaped values, for the server door.
 */

/**
 * A request as `node:http` or `node:http2` (compatibility API) hands it to a request listener.
 *
 * @example
 * createServer(async (request: NodeRequest, response: NodeResponse) => { … });
 */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

/**
 * A response as `node:http` or `node:http2` (compatibility API) hands it to a request listener.
 *
 * @example
 * await writeNodeResponse(response satisfies NodeResponse, answer);
 */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/**
 * The members both response classes share, as one type: TypeScript cannot call a method on a union of two
 * classes whose overloads differ.
 */
interface WritableResponse {
  /** Whether `end()` was called. (`writableFinished` would not do: an HTTP/2 response reset by the client reports it finished.) */
  readonly writableEnded: boolean;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

/**
 * Reads a request's whole body. Resolves with an empty array when there is none; rejects with an error whose
 * `code` is `ECONNRESET` when the client goes away first.
 *
 * @example
 * const body = await readNodeBody(request); // in a `node:http` request listener
 */
export function readNodeBody(request: NodeRequest): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once('error', reject);
    // A client that goes away mid-body never sends 'end'; without this the request would hang forever.
    // ('close' also follows every complete request: build the error only when needed, stacks are not cheap.)
    request.once('close', () => {
      if (!request.complete) reject(Object.assign(new Error('The client closed the connection before sending the whole request body.'), { code: 'ECONNRESET' }));
    });
  });
}

/** Splits a request target into the raw path and the decoded query. */
function splitTarget(target: string): { path: string; query: LocalHttpRequest['query'] } {
  // Absolute-form targets (`POST http://host/model/…`) come from clients that think they talk to a proxy.
  if (!target.startsWith('/')) target = target.replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
  const mark = target.indexOf('?');
  if (mark < 0) return { path: target, query: {} };
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of new URLSearchParams(target.slice(mark + 1))) {
    const previous = query[name];
    query[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return { path: target.slice(0, mark), query };
}

/**
 * Node request (HTTP/1.1 or HTTP/2) → core request. The path stays percent-encoded exactly as sent (a raw `:`
 * included); header names are already lower-case in Node, and HTTP/2 pseudo-headers such as `:authority` are
 * kept, because an SDK talking HTTP/2 signs `:authority` instead of `host`.
 *
 * @example
 * const local = fromNodeRequest(request, await readNodeBody(request));
 * const answer = await handleBedrockRequest(runtime, local);
 */
export function fromNodeRequest(request: NodeRequest, body: Uint8Array): LocalHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const { path, query } = splitTarget(request.url ?? '/');
  return { method: (request.method ?? 'GET').toUpperCase(), path, query, headers, body };
}

const NO_BODY = new Uint8Array();

/**
 * Node request → core request whose body is streamed rather than read whole (InvokeModelWithBidirectionalStream):
 * the request itself is the `bodyStream`, so the answer can start while the client is still sending.
 *
 * @example
 * const local = fromStreamingNodeRequest(request); // local.bodyStream yields the body's chunks as they arrive
 */
export function fromStreamingNodeRequest(request: NodeRequest): LocalHttpRequest {
  return { ...fromNodeRequest(request, NO_BODY), bodyStream: request as AsyncIterable<Uint8Array> };
}

/**
 * Ends a response midway so that the client sees a failure, not a short answer: HTTP/1.1 drops the connection
 * (a chunked body without its last chunk); HTTP/2 resets the stream with `INTERNAL_ERROR` — destroying it
 * without a code would end it cleanly, and the client would take a truncated event stream for a whole one.
 *
 * @example
 * abortNodeResponse(response); // the server is going down and cannot finish this answer
 */
export function abortNodeResponse(response: NodeResponse): void {
  if (response instanceof Http2ServerResponse) response.stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
  else response.destroy();
}

/** Resolves once the response can take more data, or has closed. */
function drained(response: WritableResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

/**
 * Writes a core response to a Node response. A byte body is sent with its `content-length`; an event stream
 * is written frame by frame as the core produces them, honouring backpressure. When the client goes away
 * before a stream has ended, the backend work behind it is cancelled (`cancel()`), and a stream that fails
 * midway resets the response so the client cannot mistake a truncated stream for a whole one.
 *
 * @example
 * await writeNodeResponse(response, await handleBedrockRequest(runtime, local));
 */
export async function writeNodeResponse(target: NodeResponse, answer: LocalHttpResponse): Promise<void> {
  const response = target as unknown as WritableResponse;
  if (answer.dropped) return abortNodeResponse(target);
  const { body } = answer;
  if (body instanceof Uint8Array) {
    response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(body.length) });
    response.end(body);
    return;
  }
  let clientGone = false;
  const onClose = () => {
    if (response.writableEnded) return;
    clientGone = true;
    answer.cancel?.();
  };
  response.once('close', onClose);
  const frames = body[Symbol.asyncIterator]();
  try {
    response.writeHead(answer.statusCode, answer.headers);
    for (;;) {
      const next = await frames.next();
      if (next.done || clientGone) break;
      if (!response.write(next.value)) await drained(response);
    }
    if (!clientGone) response.end();
  } catch {
    answer.cancel?.();
    abortNodeResponse(target);
  } finally {
    response.off('close', onClose);
    // Let the stream's own clean-up run (the call log marks the call complete there).
    if (clientGone) await frames.return?.();
  }
}
