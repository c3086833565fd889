import type { ChatRequest as OllamaChatRequest, Message as OllamaMessage, Tool as OllamaTool } from 'ollama';
import type { ChatMessage, ChatPart, ChatRequest, ChatTool, JsonSchema } from '../../chat/types.js';
import { toBase64 } from '../../codecs/json-values.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { documentText, toolResultText } from '../text-content.js';

/** Neutral chat request → Ollama `/api/chat` request. */


function imageBase64(part: { data?: Uint8Array; uri?: string }): string {
  if (!part.data) throw validationError('The Ollama backend cannot read media from S3 locations. Send the image bytes inline.');
  return toBase64(part.data);
}

function toolNameById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) for (const part of message.content) if (part.type === 'toolUse') names.set(part.id, part.name);
  return names;
}

function userMessages(parts: readonly ChatPart[], toolNames: Map<string, string>): OllamaMessage[] {
  const messages: OllamaMessage[] = [];
  // Ollama takes tool results as `tool` messages; they answer the previous assistant turn, so they go first.
  for (const part of parts) {
    if (part.type !== 'toolResult') continue;
    const text = toolResultText(part.content);
    messages.push({ role: 'tool', content: part.status === 'error' ? `Error: ${text}` : text, tool_name: toolNames.get(part.toolUseId) ?? '' });
  }
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'document') texts.push(documentText(part));
    else if (part.type === 'image') images.push(imageBase64(part));
  }
  if (texts.length > 0 || images.length > 0) messages.push({ role: 'user', content: texts.join('\n'), ...(images.length > 0 ? { images } : {}) });
  return messages;
}

function assistantMessage(parts: readonly ChatPart[]): OllamaMessage {
  const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const thinking = parts.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('');
  const toolCalls = parts.flatMap((part) => (part.type === 'toolUse' ? [{ function: { name: part.name, arguments: (part.input ?? {}) as Record<string, unknown> } }] : []));
  return { role: 'assistant', content: text, ...(thinking ? { thinking } : {}), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/** Ollama messages for a conversation, system prompt first. */
export function toOllamaMessages(request: ChatRequest, extraSystem?: string): OllamaMessage[] {
  const system = [...request.system, ...(extraSystem ? [extraSystem] : [])].join('\n\n');
  const toolNames = toolNameById(request.messages);
  const messages: OllamaMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of request.messages) {
    if (message.role === 'assistant') messages.push(assistantMessage(message.content));
    else messages.push(...userMessages(message.content, toolNames));
  }
  return messages;
}

/** Tool definitions in Ollama's (OpenAI-style) form. */
export function toOllamaTools(tools: readonly ChatTool[]): OllamaTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description ?? '', parameters: tool.inputSchema as OllamaTool['function']['parameters'] },
  }));
}

/** Sampling options. Stop sequences are not sent: they are watched locally so `stop_sequence` is exact. */
export function toOllamaOptions(request: ChatRequest): OllamaChatRequest['options'] {
  const options: NonNullable<OllamaChatRequest['options']> = {};
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.topK !== undefined) options.top_k = request.topK;
  if (request.seed !== undefined) options.seed = request.seed;
  return options;
}

/** `think` for a request: the effort where one was asked for, `true` for plain extended thinking. */
export function toOllamaThink(request: ChatRequest): OllamaChatRequest['think'] {
  if (!request.reasoning) return undefined;
  return request.reasoning.effort ?? true;
}

/**
 * Ollama cannot force a tool call, but it can constrain the answer to a JSON schema. A forced choice becomes
 * a schema-constrained answer that is then read back as the tool call.
 */
export function forcedToolFormat(request: ChatRequest): { format: JsonSchema; instruction: string; toolFor: (answer: unknown) => { name: string; input: unknown } } | undefined {
  const choice = request.toolChoice;
  if (!choice || choice.type === 'auto' || request.tools.length === 0) return undefined;
  const candidates = choice.type === 'tool' ? request.tools.filter((tool) => tool.name === choice.name) : request.tools;
  if (candidates.length === 1) {
    const tool = candidates[0]!;
    return {
      format: tool.inputSchema,
      instruction: `Call the tool "${tool.name}"${tool.description ? ` (${tool.description})` : ''}. Answer only with its JSON arguments.`,
      toolFor: (answer) => ({ name: tool.name, input: answer }),
    };
  }
  const list = candidates.map((tool) => `- ${tool.name}: ${tool.description ?? ''}`).join('\n');
  return {
    format: {
      type: 'object',
      properties: { name: { type: 'string', enum: candidates.map((tool) => tool.name) }, arguments: { anyOf: candidates.map((tool) => tool.inputSchema) } },
      required: ['name', 'arguments'],
    },
    instruction: `Call exactly one of these tools. Answer only with JSON {"name": tool name, "arguments": its arguments}.\n${list}`,
    toolFor: (answer) => {
      const call = (answer ?? {}) as { name?: unknown; arguments?: unknown };
      return { name: typeof call.name === 'string' ? call.name : candidates[0]!.name, input: call.arguments ?? {} };
    },
  };
}
