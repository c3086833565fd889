import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../chat/types.js';
import type { OperationName } from '../router/routes.js';

/** Per-call options every backend honours. */
export interface BackendCallOptions {
  /** Cancels the call: a backend stops generating and releases its upstream request. */
  signal?: AbortSignal;
  /** The Bedrock operation asking, e.g. `Converse` or `InvokeModel` (scripted rules can match on it). */
  operation?: OperationName;
}

/** What an embedding model is asked to embed. */
export interface EmbeddingRequest {
  /** The Bedrock model id, resolved to its base id. */
  modelId: string;
  /** The model name the backend should run. */
  backendModel: string;
  /** Texts to embed, one vector each. */
  texts: string[];
  /** Images to embed (multimodal models), one vector each, after the texts. */
  images: Uint8Array[];
  /** What the vectors are for (Cohere's `input_type`); backends may ignore it. */
  purpose?: string;
}

/** Embedding vectors, one per input, at the backend's native dimension (codecs resize and normalize). */
export interface EmbeddingResponse {
  embeddings: number[][];
  inputTokens: number;
}

/** What an image model is asked to draw. */
export interface ImageRequest {
  modelId: string;
  backendModel: string;
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  count: number;
  seed: number;
  /** The task, e.g. `TEXT_IMAGE`, `IMAGE_VARIATION`; `TEXT_IMAGE` when the body names none. */
  taskType: string;
  /** An input image for image-to-image tasks. */
  inputImage?: Uint8Array;
}

/** Generated images as raw RGB pixels (`width * height * 3` bytes each); codecs encode them as PNG or JPEG. */
export interface ImageResponse {
  images: Uint8Array[];
  width: number;
  height: number;
}

/**
 * A source of answers. Backends see only the neutral types; the operations and codecs do the rest.
 * Errors thrown as `BedrockServiceError` reach the caller unchanged; anything else becomes
 * `InternalServerException`. `embed` and `generateImage` are optional: without them, embedding and image
 * models are answered by the scripted backend's deterministic implementations.
 */
export interface Backend {
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
  /** Embeds texts (and images); one vector per input. */
  embed?(request: EmbeddingRequest, options?: BackendCallOptions): Promise<EmbeddingResponse>;
  /** Draws images. */
  generateImage?(request: ImageRequest, options?: BackendCallOptions): Promise<ImageResponse>;
  /** Releases what the backend holds (connections, loaded models). */
  dispose?(): Promise<void>;
}
