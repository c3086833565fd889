import type { HttpHandler, HttpHandlerOptions } from '@smithy/protocol-http';
import type { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { toRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { answerSmithyRequest } from '../http/smithy.js';
import { toAbortSignal, type AbortSignalLike } from './abort-signal.js';

/** Configuration a `LocalBedrockHandler` keeps; it needs none, but the SDK's handler contract asks for a place. */
export type LocalBedrockHandlerConfig = Record<string, unknown>;

/**
 * An SDK `requestHandler` that answers Bedrock requests locally instead of sending them. Honours the
 * `abortSignal` passed to `client.send()`: the backend call is cancelled and a stream ends. (The SDK does
 * not tell a request handler when a stream's reader stops early; pass an `abortSignal` to cancel then, or
 * use the `localBedrock()` middleware, which sees it.)
 *
 * @example
 * const client = new BedrockRuntimeClient({
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
 *   requestHandler: new LocalBedrockHandler({ backend: createOllamaBackend() }),
 * });
 */
export class LocalBedrockHandler implements HttpHandler<LocalBedrockHandlerConfig> {
  /** The runtime answering this handler's requests. */
  readonly runtime: LocalBedrockRuntime;
  private config: LocalBedrockHandlerConfig = {};

  constructor(optionsOrRuntime?: LocalBedrockOptions | LocalBedrockRuntime) {
    this.runtime = toRuntime(optionsOrRuntime);
  }

  /** Answers one request. */
  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = toAbortSignal(options.abortSignal as AbortSignalLike | undefined);
    const { response } = await answerSmithyRequest(this.runtime, request, signal);
    return { response };
  }

  /** Part of the SDK's handler contract. */
  updateHttpClientConfig(key: keyof LocalBedrockHandlerConfig, value: unknown): void {
    this.config = { ...this.config, [key]: value };
  }

  /** Part of the SDK's handler contract. */
  httpHandlerConfigs(): LocalBedrockHandlerConfig {
    return this.config;
  }

  /** Nothing to release per client; call `runtime.dispose()` to release the backend. */
  destroy(): void {}
}
