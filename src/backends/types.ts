import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../chat/types.js';

/** Per-call options every backend honours. */
export interface BackendCallOptions {
  /** Cancels the call: a backend stops generating and releases its upstream request. */
  signal?: AbortSignal;
}

/**
 * A source of answers. Backends see only the neutral chat types; the operations and codecs do the rest.
 * Errors thrown as `BedrockServiceError` reach the caller unchanged; anything else becomes
 * `InternalServerException`.
 */
export interface ChatBackend {
  /** A short name for messages and logs, e.g. `scripted` or `ollama`. */
  readonly name: string;
  /** Answers a request in one piece. */
  chat(request: ChatRequest, options?: BackendCallOptions): Promise<ChatResponse>;
  /**
   * Answers a request as a stream that ends with one `finish` event. The promise settles once the model
   * has accepted the request: errors before that (unknown model, throttling, unreachable server) reject it
   * and reach the caller as HTTP errors; errors after it end the stream with an exception event.
   */
  chatStream(request: ChatRequest, options?: BackendCallOptions): Promise<AsyncIterable<ChatStreamEvent>>;
  /** Releases what the backend holds (connections, loaded models). */
  dispose?(): Promise<void>;
}
