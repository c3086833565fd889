import type { EmbeddingRequest, EmbeddingResponse, ImageRequest, ImageResponse } from '../../backends/types.js';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import type { PromptCacheUsage } from '../../caching/cache-accounting.js';

/**
 * The contracts of InvokeModel codecs. Each provider's native body format has one codec file that
 * translates it to the neutral types and back; the operations do everything else (model resolution, the
 * backend call, headers, event-stream framing, invocation metrics).
 */

/** What a codec knows about the call it is encoding. */
export interface InvokeContext {
  model: ResolvedModel;
  /** The neutral request the codec decoded. */
  request: ChatRequest;
  /** A per-call random id (uuid) codecs may derive response ids from. */
  requestId: string;
  /** What the request read from and wrote to the prompt cache, for usage reported before the answer ends. */
  promptCache?: PromptCacheUsage;
}

/** Turns neutral stream events into the provider's native chunk objects, in the provider's order. */
export interface InvokeStreamEncoder {
  /**
   * Native chunks for one event; often none (a piece buffered) or one. The operation adds
   * `amazon-bedrock-invocationMetrics` to the last chunk produced for the `finish` event.
   */
  encode(event: ChatStreamEvent): Record<string, unknown>[];
}

/** A chat/text family's native body ↔ neutral chat. */
export interface InvokeChatCodec {
  /** A short name, e.g. `anthropic-messages`. */
  readonly name: string;
  /**
   * For families with two body formats (Claude Messages vs Text Completions): whether this codec reads
   * this body. Codecs without it accept any body of their family.
   */
  accepts?(body: Record<string, unknown>): boolean;
  /** Native request → neutral request, validating with the provider's messages (throws ValidationException). */
  decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest;
  /** Neutral answer → native response body. */
  encode(answer: ChatResponse, context: InvokeContext): Record<string, unknown>;
  /** A fresh stream encoder for one streamed call. */
  streamEncoder(context: InvokeContext): InvokeStreamEncoder;
}

/** Runs an embedding request on the backend (or the scripted fallback). */
export type EmbedFunction = (request: Omit<EmbeddingRequest, 'modelId' | 'backendModel'>) => Promise<EmbeddingResponse>;

/** An embedding family's native body → vectors → native response. */
export interface InvokeEmbeddingCodec {
  readonly name: string;
  /** Validates the body, embeds through `embed`, and builds the native response. */
  invoke(body: Record<string, unknown>, model: ResolvedModel, embed: EmbedFunction): Promise<{ body: Record<string, unknown>; inputTokens: number }>;
}

/** Runs an image request on the backend (or the scripted fallback). */
export type GenerateImageFunction = (request: Omit<ImageRequest, 'modelId' | 'backendModel'>) => Promise<ImageResponse>;

/** An image family's native body → pixels → native response with encoded images. */
export interface InvokeImageCodec {
  readonly name: string;
  /** Validates the body, draws through `generate`, and builds the native response. */
  invoke(body: Record<string, unknown>, model: ResolvedModel, generate: GenerateImageFunction): Promise<{ body: Record<string, unknown> }>;
}
