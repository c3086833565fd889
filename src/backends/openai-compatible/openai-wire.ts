/**
 * The parts of the OpenAI Chat Completions, Embeddings and Models APIs this backend speaks, in the
 * server's own casing. vLLM, llama-server, LM Studio and most gateways accept the same shapes.
 */

/** One part of a user message's content. */
export type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** A tool call an assistant message carries; `arguments` is a JSON text. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A message of a chat completion request. */
export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A function tool definition. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** `tool_choice`: let the model decide, make it call some tool, or make it call the named one. */
export type OpenAIToolChoice = 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** A `POST /chat/completions` body. */
export interface OpenAIChatCompletionRequest {
  model: string;
  messages: OpenAIMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown> } };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string[];
  reasoning_effort?: 'low' | 'medium' | 'high';
  [extra: string]: unknown;
}

/** Token usage as the server reports it. */
export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** The assistant message of a non-streamed completion. `reasoning_content` (vLLM, DeepSeek) and `reasoning` (llama-server, gateways) carry thinking. */
export interface OpenAIResponseMessage {
  role?: string;
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
}

/** A non-streamed `/chat/completions` answer. */
export interface OpenAIChatCompletion {
  id?: string;
  model?: string;
  choices?: Array<{ index?: number; message?: OpenAIResponseMessage; finish_reason?: string | null }>;
  usage?: OpenAIUsage | null;
}

/** A tool call piece of a streamed delta; pieces of one call share its `index`. */
export interface OpenAIToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** One `data:` chunk of a streamed completion. The usage chunk has empty `choices`. */
export interface OpenAIChatCompletionChunk {
  id?: string;
  choices?: Array<{
    index?: number;
    delta?: { role?: string; content?: string | null; reasoning_content?: string | null; reasoning?: string | null; tool_calls?: OpenAIToolCallDelta[] };
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
  /** Some servers report a failure mid-stream as a chunk with an `error` member. */
  error?: OpenAIErrorBody['error'];
}

/** The error body OpenAI-compatible servers answer with (some send a bare string or `detail` instead). */
export interface OpenAIErrorBody {
  error?: { message?: string; type?: string; code?: string | number | null; param?: string | null } | string;
  detail?: unknown;
  message?: string;
}

/** A `POST /embeddings` answer. */
export interface OpenAIEmbeddingResponse {
  data?: Array<{ index?: number; embedding?: number[] }>;
  usage?: OpenAIUsage | null;
}

/** A `GET /models` answer. */
export interface OpenAIModelList {
  data?: Array<{ id: string; object?: string; created?: number; owned_by?: string }>;
}
