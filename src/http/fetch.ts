import { handleBedrockRequest } from '../core/handle-request.js';
import type { LocalHttpRequest, LocalHttpResponse } from '../core/http-types.js';
import { toRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { hasStreamedBody } from '../operations/runtime/bidirectional/streamed-body.js';

/**
 * The fetch counterpart of `smithy.ts`: converts a fetch `Request` to the core's request and the core's
 * response back to a fetch `Response`, for the msw door and for anyone who wires fetch themselves. It must not
 * import msw: `createFetchHandler` works without it.
 */

/** Reads a fetch request as the core sees it. `basePath` (a custom endpoint's path) is cut off the front. */
export async function fromFetchRequest(request: Request, basePath = ''): Promise<LocalHttpRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  // Fetch adds `host` only when it sends; the call log should show it as the other doors do.
  headers.host = url.host;
  request.headers.forEach((value, name) => (headers[name] = value));
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  // `pathname` is still percent-encoded (a model ARN's `%2F` stays put), and a raw `:` stays raw: what the router expects.
  const path = stripBasePath(url.pathname, basePath);
  const method = request.method.toUpperCase();
  // InvokeModelWithBidirectionalStream's input keeps arriving while the answer is read: pass it through.
  if (request.body && hasStreamedBody(method, path)) return { method, path, query, headers, body: new Uint8Array(), bodyStream: readableChunks(request.body) };
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
  return { method, path, query, headers, body };
}

/** A fetch body's chunks as an async iterable; stopping early cancels the body. */
async function* readableChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The path below a custom endpoint's base path, e.g. `/bedrock/model/x/converse` → `/model/x/converse`. */
export function stripBasePath(path: string, basePath: string): string {
  if (basePath === '' || basePath === '/') return path;
  return path.startsWith(basePath) ? path.slice(basePath.length) || '/' : path;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The core's response as a fetch `Response`. An event stream becomes a pull-driven `ReadableStream` (one frame
 * chunk per read, so a slow reader holds the backend back instead of buffering); the backend call ends when the
 * reader cancels, the stream ends, or `signal` aborts, and an abort fails the body as a real fetch would.
 */
export function toFetchResponse(answer: LocalHttpResponse, signal?: AbortSignal): Response {
  if (answer.dropped) return Response.error();
  const init = { status: answer.statusCode, headers: answer.headers };
  if (answer.body instanceof Uint8Array) return new Response(answer.body, init);
  const iterator = answer.body[Symbol.asyncIterator]();
  let ended = false;
  let failOnAbort = () => {};
  const end = () => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', failOnAbort);
    answer.cancel?.();
    // Lets the core's generator run its `finally` (it finishes once `cancel` has stopped the backend).
    void iterator.return?.().catch(() => {});
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      failOnAbort = () => {
        end();
        controller.error(abortReason(signal!));
      };
      if (signal?.aborted) failOnAbort();
      else signal?.addEventListener('abort', failOnAbort, { once: true });
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (ended) return;
        if (next.done) {
          end();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (error) {
        if (ended) return;
        end();
        controller.error(error);
      }
    },
    cancel: end,
  });
  return new Response(body, init);
}

/**
 * Answers one fetch request through the core; `request.signal` aborts the backend call. It resolves even when the
 * request was aborted: msw has then already failed the caller's fetch, and a throw would only be logged by msw.
 */
export async function answerFetchRequest(runtime: LocalBedrockRuntime, request: Request, basePath = ''): Promise<Response> {
  const answer = await handleBedrockRequest(runtime, await fromFetchRequest(request, basePath), { signal: request.signal });
  return toFetchResponse(answer, request.signal);
}

/**
 * A function that answers Bedrock requests like `fetch` does, from a local runtime: call it with a `Request`,
 * or with `fetch`'s own `(input, init)` arguments.
 */
export type FetchHandler = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Answers Bedrock requests given as fetch `Request`s, for code that wires fetch itself (a client's `fetch`
 * option, a service worker, a test double) without msw. Every request is answered, whatever its host; a path
 * that is no Bedrock operation gets Bedrock's `ResourceNotFoundException`. Honours `request.signal`: an abort
 * ends the backend call, and a stream's body fails as a real fetch's would.
 *
 * @example
 * const bedrockFetch = createFetchHandler({ responses: [{ text: 'Hello!' }] });
 * const bedrock = createAmazonBedrock({ region: 'us-east-1', accessKeyId: 'x', secretAccessKey: 'x', fetch: bedrockFetch });
 * const { text } = await generateText({ model: bedrock('anthropic.claude-3-haiku-20240307-v1:0'), prompt: 'Hi' });
 */
export function createFetchHandler(optionsOrRuntime?: LocalBedrockOptions | LocalBedrockRuntime): FetchHandler {
  const runtime = toRuntime(optionsOrRuntime);
  return async (input, init) => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    const { signal } = request;
    if (signal.aborted) throw abortReason(signal);
    const response = await answerFetchRequest(runtime, request);
    // Like fetch, an abort before the answer arrives rejects (a streamed body's backend call has already ended).
    if (signal.aborted) throw abortReason(signal);
    return response;
  };
}
