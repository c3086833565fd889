/**
 * The neutral chat model. Codecs translate each wire format to these types and back; backends only ever
 * see these types, so adding a provider touches one codec file and adding a backend touches none.
 */

/** A JSON Schema document, as a tool's `inputSchema.json` carries it. */
export type JsonSchema = { [key: string]: unknown };

/** Binary or remote content (images, documents, audio, video). */
export interface ChatMediaSource {
  /** Raw bytes, when the request carried them inline. */
  data?: Uint8Array;
  /** An `s3://` location, when the request pointed at S3. */
  uri?: string;
}

/** Content a user or assistant turn can carry. */
export type ChatPart =
  | { type: 'text'; text: string }
  | ({ type: 'image'; format: string } & ChatMediaSource)
  | ({ type: 'document'; format: string; name: string; text?: string } & ChatMediaSource)
  | ({ type: 'video' | 'audio'; format: string } & ChatMediaSource)
  | { type: 'toolUse'; id: string; name: string; input: unknown }
  | { type: 'toolResult'; toolUseId: string; status?: 'success' | 'error'; content: ChatToolResultPart[] }
  | { type: 'reasoning'; text: string; signature?: string }
  | { type: 'redactedReasoning'; data: Uint8Array };

/** What a tool result can contain. */
export type ChatToolResultPart =
  | { type: 'text'; text: string }
  | { type: 'json'; value: unknown }
  | ({ type: 'image'; format: string } & ChatMediaSource)
  | ({ type: 'document'; format: string; name: string; text?: string } & ChatMediaSource);

/** One turn of the conversation. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ChatPart[];
}

/** A tool the model may call. */
export interface ChatTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}

/** How the model must use tools: `auto` decides, `any` must call one, `tool` must call the named one. */
export type ChatToolChoice = { type: 'auto' } | { type: 'any' } | { type: 'tool'; name: string };

/** Extended thinking asked for by the request (Claude `thinking`, Nova `reasoningConfig`, gpt-oss effort…). */
export interface ChatReasoning {
  budgetTokens?: number;
  effort?: 'low' | 'medium' | 'high';
}

/** A chat request, independent of wire format. */
export interface ChatRequest {
  /** The Bedrock model id the caller used, resolved to its base (foundation) id. */
  modelId: string;
  /** The model name the backend should run, e.g. an Ollama tag. */
  backendModel: string;
  system: string[];
  messages: ChatMessage[];
  tools: ChatTool[];
  toolChoice?: ChatToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopSequences: string[];
  reasoning?: ChatReasoning;
  /** Structured output: the answer must be JSON valid against this schema. */
  responseSchema?: JsonSchema;
  /** Prompt-cache checkpoints the request placed (Converse `cachePoint`, Claude `cache_control`), in request order. */
  cacheCheckpoints?: ChatCacheCheckpoint[];
}

/** How long a prompt-cache entry lives after its last use. */
export type ChatCacheTtl = '5m' | '1h';

/**
 * A prompt-cache checkpoint: "cache everything before this point". `after` counts the tools, system blocks
 * or (for `messages`) parts of message `message` that come before it, as the neutral request holds them.
 * `blockPath` names the block it closes the way Claude's errors do (`system.0`, `messages.1.content.2`).
 */
export type ChatCacheCheckpoint =
  | { section: 'tools' | 'system'; after: number; ttl: ChatCacheTtl; blockPath: string }
  | { section: 'messages'; message: number; after: number; ttl: ChatCacheTtl; blockPath: string };

/** Cache writes of one TTL. */
export interface ChatCacheDetail {
  ttl: ChatCacheTtl;
  inputTokens: number;
}

/** Why the model stopped, in Converse's vocabulary. */
export type ChatStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'malformed_model_output'
  | 'malformed_tool_use'
  | 'model_context_window_exceeded';

/** Token usage of one call. */
export interface ChatUsage {
  /** Input tokens; when cache fields are present, only those neither read from nor written to the cache. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (present when the request placed checkpoints). */
  cacheReadInputTokens?: number;
  /** Input tokens written to the prompt cache. */
  cacheWriteInputTokens?: number;
  /** The writes split by TTL, 1h before 5m; empty when nothing was written. */
  cacheDetails?: ChatCacheDetail[];
}

/** Content of the model's answer. */
export type ChatOutputPart =
  | { type: 'text'; text: string }
  | { type: 'toolUse'; id: string; name: string; input: unknown }
  | { type: 'reasoning'; text: string; signature?: string }
  | { type: 'redactedReasoning'; data: Uint8Array };

/** A complete answer. */
export interface ChatResponse {
  content: ChatOutputPart[];
  stopReason: ChatStopReason;
  /** The stop sequence that ended the answer, when `stopReason` is `stop_sequence`. */
  stopSequence?: string;
  usage: ChatUsage;
}

/**
 * One piece of a streamed answer. A block ends when a different kind of piece begins; a stream always ends
 * with exactly one `finish`.
 */
export type ChatStreamEvent =
  | { type: 'textDelta'; text: string }
  | { type: 'reasoningDelta'; text: string }
  | { type: 'reasoningSignature'; signature: string }
  | { type: 'redactedReasoning'; data: Uint8Array }
  | { type: 'toolUseStart'; id: string; name: string }
  | { type: 'toolUseDelta'; input: string }
  | { type: 'finish'; stopReason: ChatStopReason; stopSequence?: string; usage: ChatUsage };
