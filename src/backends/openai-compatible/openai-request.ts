import type { ChatMessage, ChatPart, ChatRequest, ChatTool } from '../../chat/types.js';
import { toBase64 } from '../../codecs/json-values.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { OpenAIChatCompletionRequest, OpenAIContentPart, OpenAIMessage, OpenAITool, OpenAIToolChoice } from './openai-wire.js';
import { documentText, toolResultText } from '../text-content.js';

/** Neutral chat request → OpenAI `/chat/completions` body. */


const IMAGE_MIME_TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpeg: 'image/jpeg', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

function imageDataUrl(part: { format: string; data?: Uint8Array; uri?: string }): string {
  if (!part.data) throw validationError('The OpenAI-compatible backend cannot read media from S3 locations. Send the image bytes inline.');
  return `data:${IMAGE_MIME_TYPES[part.format] ?? `image/${part.format}`};base64,${toBase64(part.data)}`;
}

function userMessages(parts: readonly ChatPart[]): OpenAIMessage[] {
  const messages: OpenAIMessage[] = [];
  // Tool results answer the previous assistant turn, so they must directly follow it, before any new user text.
  for (const part of parts) {
    if (part.type !== 'toolResult') continue;
    const text = toolResultText(part.content);
    messages.push({ role: 'tool', tool_call_id: part.toolUseId, content: part.status === 'error' ? `Error: ${text}` : text });
  }
  const content: OpenAIContentPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') content.push({ type: 'text', text: part.text });
    else if (part.type === 'document') content.push({ type: 'text', text: documentText(part) });
    else if (part.type === 'image') content.push({ type: 'image_url', image_url: { url: imageDataUrl(part) } });
  }
  if (content.length === 0) return messages;
  // Plain strings for text-only turns: several servers (older llama-server builds, some gateways) reject content arrays without images.
  const textOnly = content.every((part) => part.type === 'text');
  messages.push({ role: 'user', content: textOnly ? content.map((part) => (part as { text: string }).text).join('\n') : content });
  return messages;
}

function assistantMessage(parts: readonly ChatPart[]): OpenAIMessage {
  const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const toolCalls = parts.flatMap((part) =>
    part.type === 'toolUse' ? [{ id: part.id, type: 'function' as const, function: { name: part.name, arguments: JSON.stringify(part.input ?? {}) } }] : [],
  );
  return { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/**
 * OpenAI messages for a conversation, system prompt first. Reasoning of earlier turns is left out: the
 * Chat Completions API has no way to send it back.
 *
 * @example
 * toOpenAIMessages({ ...request, system: ['Be brief.'] })[0]; // { role: 'system', content: 'Be brief.' }
 */
export function toOpenAIMessages(request: ChatRequest): OpenAIMessage[] {
  const system = request.system.join('\n\n');
  const messages: OpenAIMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of request.messages as readonly ChatMessage[]) {
    if (message.role === 'assistant') messages.push(assistantMessage(message.content));
    else messages.push(...userMessages(message.content));
  }
  return messages;
}

/**
 * Tool definitions as function tools.
 *
 * @example
 * toOpenAITools([{ name: 'get_weather', inputSchema: { type: 'object' } }]);
 * // [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }]
 */
export function toOpenAITools(tools: readonly ChatTool[]): OpenAITool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.inputSchema },
  }));
}

/**
 * Bedrock's tool choice → `tool_choice`: `any` is `required`, a named tool is a `function` choice.
 *
 * @example
 * toOpenAIToolChoice({ type: 'tool', name: 'get_weather' }); // { type: 'function', function: { name: 'get_weather' } }
 */
export function toOpenAIToolChoice(choice: ChatRequest['toolChoice']): OpenAIToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'auto') return 'auto';
  if (choice.type === 'any') return 'required';
  return { type: 'function', function: { name: choice.name } };
}

/**
 * The `/chat/completions` body for a request. Stop sequences are not sent: `finish_reason: "stop"` cannot
 * tell a stop sequence from the end of the answer, and OpenAI accepts at most four, so the backend watches
 * for them itself and reports exactly which one ended the answer. `topK` is not part of the API; servers
 * that take it (vLLM) get it through `extraBody`.
 *
 * @example
 * toOpenAIChatRequest(request, 'qwen2.5:0.5b', { stream: true });
 * // { model: 'qwen2.5:0.5b', messages: [...], stream: true, stream_options: { include_usage: true }, ... }
 */
export function toOpenAIChatRequest(
  request: ChatRequest,
  model: string,
  options: { stream: boolean; extraBody?: Readonly<Record<string, unknown>> },
): OpenAIChatCompletionRequest {
  const body: OpenAIChatCompletionRequest = {
    ...options.extraBody,
    model,
    messages: toOpenAIMessages(request),
    stream: options.stream,
  };
  if (options.stream) body.stream_options = { include_usage: true };
  if (request.tools.length > 0) {
    body.tools = toOpenAITools(request.tools);
    const choice = toOpenAIToolChoice(request.toolChoice);
    if (choice) body.tool_choice = choice;
  }
  if (request.responseSchema) body.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: request.responseSchema } };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort;
  return body;
}
