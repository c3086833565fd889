import { http, type HttpHandler } from 'msw';
import { toRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { answerFetchRequest, stripBasePath } from '../http/fetch.js';
import { matchRoute } from '../router/routes.js';

export { createFetchHandler } from '../http/fetch.js';
export type { FetchHandler } from '../http/fetch.js';

/**
 * AWS's Bedrock hosts: `bedrock-runtime`, `bedrock-runtime-fips`, `bedrock` and `bedrock-fips`, in any region
 * (`.amazonaws.com.cn` too). A RegExp rather than an msw path string, because msw percent-decodes the parameters
 * of path strings and a malformed escape would fail the match instead of reaching Bedrock's own error.
 */
const AWS_BEDROCK_URL = /^https:\/\/bedrock(?:-runtime)?(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\//;

/** Options of `bedrockHandlers()`. */
export interface BedrockHandlersOptions {
  /**
   * More base URLs to answer, e.g. `http://localhost:4599` or `https://gateway.example.com/bedrock` (what you
   * pass a client as `endpoint` / `baseURL`). Paths are taken relative to the URL's path.
   */
  endpoints?: readonly (string | URL)[];
}

/** The handlers `bedrockHandlers()` returns, with the runtime that answers them. */
export type BedrockHandlers = HttpHandler[] & {
  /** The runtime answering every handler: script it, read its call log. */
  readonly runtime: LocalBedrockRuntime;
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A custom endpoint as a URL prefix match: its origin and path, then `/` or the end. */
function endpointPattern(endpoint: string | URL): { pattern: RegExp; basePath: string } {
  const url = new URL(endpoint);
  const basePath = url.pathname.replace(/\/+$/, '');
  return { pattern: new RegExp(`^${escapeRegExp(url.origin + basePath)}(?:/|$)`), basePath };
}

/**
 * msw (v2) request handlers that answer Bedrock from a local runtime, so fetch-based clients
 * (`@ai-sdk/amazon-bedrock`, `@anthropic-ai/bedrock-sdk`, …) and anything else msw intercepts are answered
 * in-process. All handlers share one runtime (`handlers.runtime`).
 *
 * Which requests they take:
 * - on AWS's Bedrock hosts (`https://bedrock-runtime.<region>.amazonaws.com/*`, `bedrock-runtime-fips.*`,
 *   `bedrock.*`), every request: a path that is no Bedrock operation gets Bedrock's own error
 *   (`ResourceNotFoundException`) rather than falling through to the real AWS with fake credentials;
 * - on each of `endpoints`, only Bedrock operations; other paths fall through to your other handlers (a custom
 *   endpoint is often a shared gateway or localhost).
 *
 * msw intercepts `fetch`, `node:http(s)` and XHR, not HTTP/2: the AWS SDK's default handler for
 * `BedrockRuntimeClient` is HTTP/2, so give such a client `requestHandler: new NodeHttpHandler()` to route it
 * through msw, or use `LocalBedrockHandler`/`localBedrock()` instead.
 *
 * @example
 * import { setupServer } from 'msw/node';
 * import { bedrockHandlers } from 'local-bedrock/msw';
 *
 * const handlers = bedrockHandlers({ responses: [{ text: 'Hello from msw!' }] });
 * const server = setupServer(...handlers);
 * server.listen();
 * // … call Bedrock with any fetch-based client; handlers.runtime.callLog lists the calls …
 * server.close();
 */
export function bedrockHandlers(optionsOrRuntime?: LocalBedrockOptions | LocalBedrockRuntime, options: BedrockHandlersOptions = {}): BedrockHandlers {
  const runtime = toRuntime(optionsOrRuntime);
  const handlers = [http.all(AWS_BEDROCK_URL, ({ request }) => answerFetchRequest(runtime, request))];
  for (const endpoint of options.endpoints ?? []) {
    const { pattern, basePath } = endpointPattern(endpoint);
    handlers.push(
      http.all(pattern, ({ request }) => {
        // Decide on method and path alone: reading the body first would consume it for the handlers that follow.
        if (!matchRoute(request.method.toUpperCase(), stripBasePath(new URL(request.url).pathname, basePath))) return undefined;
        return answerFetchRequest(runtime, request, basePath);
      }),
    );
  }
  return Object.assign(handlers, { runtime });
}
