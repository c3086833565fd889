import type { ChatMessage, ChatOutputPart, ChatPart, ChatReasoning, ChatRequest, ChatStopReason, ChatStreamEvent, ChatTool, ChatToolChoice, ChatUsage, JsonSchema } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString, fromBase64 } from '../json-values.js';
import { checkKeys, checkNumber, collect, enumViolation, jsonType, malformedInput, typeViolation } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';
import { toolsForChoice } from './tool-choice.js';

/**
 * OpenAI Chat Completions bodies, as Bedrock takes them for gpt-oss and Qwen: `messages` with string or
 * part content, tools, `reasoning_effort`. The message and tool helpers are shared with AI21 Jamba, whose
 * body is the same shape.
 *
 * `stream`, if present, must be `false` for InvokeModel and `true` for the streaming operation. A codec sees
 * only the body, not the operation, so either value is accepted here.
 */

const TOP_LEVEL_KEYS = [
  'model',
  'stream',
  'stream_options',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'reasoning_effort',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'frequency_penalty',
  'presence_penalty',
  'user',
];
const OPENAI_ROLES = ['developer', 'system', 'user', 'assistant', 'tool'];
const EFFORTS = ['low', 'medium', 'high'];
const DATA_URL = /^data:image\/([a-z0-9.+-]+);base64,(.*)$/is;

/** The text of `content` given as a string, `null`, or a list of parts (non-text parts are skipped). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return (asArray(content) ?? []).map((part) => asString(asObject(part)?.text) ?? '').join('');
}

function contentParts(content: unknown, path: string, violations: string[]): ChatPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const parts = asArray(content);
  if (!parts) {
    violations.push(`${path}: expected type: String, found: ${jsonType(content)}`);
    return [];
  }
  return parts.flatMap((raw, index): ChatPart[] => {
    const part = asObject(raw) ?? {};
    if (part.type === 'text') return [{ type: 'text', text: asString(part.text) ?? '' }];
    if (part.type === 'image_url') {
      const url = asString(asObject(part.image_url)?.url) ?? '';
      const data = DATA_URL.exec(url);
      return [data ? { type: 'image', format: data[1]!.toLowerCase(), data: fromBase64(data[2]) } : { type: 'image', format: 'png', uri: url }];
    }
    violations.push(`${path}/${index}/type: ${String(part.type)} is not a valid enum value`);
    return [];
  });
}

function toolCallParts(value: unknown, path: string, violations: string[]): ChatPart[] {
  return (asArray(value) ?? []).flatMap((raw, index): ChatPart[] => {
    const call = asObject(raw) ?? {};
    const fn = asObject(call.function) ?? {};
    const argumentsText = asString(fn.arguments) ?? '{}';
    let input: unknown;
    try {
      input = argumentsText.trim() === '' ? {} : JSON.parse(argumentsText);
    } catch {
      violations.push(`${path}/${index}/function/arguments: is not valid JSON`);
      return [];
    }
    return [{ type: 'toolUse', id: asString(call.id) ?? `call_${index}`, name: asString(fn.name) ?? '', input }];
  });
}

/**
 * Chat Completions `messages` → system prompts and neutral turns. `system`/`developer` messages become the
 * system prompt; `tool` messages become tool results in a user turn; consecutive turns of one role are
 * joined. Schema problems are added to `violations` in Bedrock's wording.
 */
export function decodeChatMessages(value: unknown, violations: string[], roles: readonly string[] = OPENAI_ROLES): { system: string[]; messages: ChatMessage[] } {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  const list = asArray(value);
  if (!list) {
    violations.push(...typeViolation(value, '#/messages', 'JSONArray'));
    return { system, messages };
  }
  if (list.length === 0) violations.push('#/messages: expected minimum item count: 1, found: 0');
  const push = (role: ChatMessage['role'], content: ChatPart[]) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  list.forEach((raw, index) => {
    const path = `#/messages/${index}`;
    const message = asObject(raw);
    if (!message) return violations.push(`${path}: expected type: JSONObject, found: ${jsonType(raw)}`);
    if (message.role === undefined) return violations.push(`${path}: required key [role] not found`);
    const roleViolations = enumViolation(message.role, `${path}/role`, roles);
    if (roleViolations.length > 0) return violations.push(...roleViolations);
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') system.push(text);
        return;
      }
      case 'user':
        return push('user', contentParts(message.content, `${path}/content`, violations));
      case 'assistant': {
        const reasoning = asString(message.reasoning_content);
        const parts: ChatPart[] = reasoning ? [{ type: 'reasoning', text: reasoning }] : [];
        parts.push(...contentParts(message.content, `${path}/content`, violations), ...toolCallParts(message.tool_calls, `${path}/tool_calls`, violations));
        return push('assistant', parts);
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') return violations.push(`${path}: required key [tool_call_id] not found`);
        return push('user', [{ type: 'toolResult', toolUseId: message.tool_call_id, content: [{ type: 'text', text: contentText(message.content) }] }]);
      }
    }
  });
  return { system, messages };
}

/** Chat Completions `tools` (`{type: "function", function: {name, description, parameters}}`) → neutral tools. */
export function decodeChatTools(value: unknown, violations: string[]): ChatTool[] {
  violations.push(...typeViolation(value, '#/tools', 'JSONArray'));
  return (asArray(value) ?? []).flatMap((raw, index): ChatTool[] => {
    const tool = asObject(raw) ?? {};
    const fn = asObject(tool.function);
    if (tool.type !== 'function' || !fn || typeof fn.name !== 'string') {
      violations.push(`#/tools/${index}: expected {"type": "function", "function": {"name": …}}`);
      return [];
    }
    return [{ name: fn.name, description: asString(fn.description), inputSchema: (asObject(fn.parameters) ?? { type: 'object', properties: {} }) as JsonSchema }];
  });
}

/** Chat Completions `tool_choice` → a neutral choice, or `'none'` when tools must not be called. */
export function decodeChatToolChoice(value: unknown, tools: readonly ChatTool[], violations: string[]): ChatToolChoice | 'none' | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return { type: 'auto' };
  if (value === 'none') return 'none';
  if (value === 'required') return { type: 'any' };
  const name = asString(asObject(asObject(value)?.function)?.name);
  if (name === undefined) {
    violations.push(`#/tool_choice: ${JSON.stringify(value)} is not a valid enum value`);
    return undefined;
  }
  if (!tools.some((tool) => tool.name === name)) violations.push(`#/tool_choice/function/name: ${name} is not a valid enum value`);
  return { type: 'tool', name };
}

/** `stop` as a string or a list of strings → stop sequences. */
export function decodeStop(value: unknown, violations: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  const list = asArray(value);
  if (!list) {
    violations.push(`#/stop: expected type: JSONArray, found: ${jsonType(value)}`);
    return [];
  }
  list.forEach((item, index) => violations.push(...typeViolation(item, `#/stop/${index}`, 'String')));
  return list.filter((item): item is string => typeof item === 'string');
}

/** A neutral tool-use id (`tooluse_…`) in OpenAI's form (`call_…`); other ids (the caller's own) pass through. */
export function chatToolCallId(id: string): string {
  return id.startsWith('tooluse_') ? `call_${id.slice('tooluse_'.length)}` : id;
}

/** A neutral stop reason as Chat Completions' `finish_reason`. */
export function chatFinishReason(stopReason: ChatStopReason): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Chat Completions `usage`. */
export function chatUsage(usage: ChatUsage): Record<string, number> {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

/**
 * An answer as a Chat Completions assistant `message`. Content is `null` when the answer only calls tools;
 * `reasoning_content` and `tool_calls` are present only when the answer has them.
 */
export function chatMessage(content: readonly ChatOutputPart[]): Record<string, unknown> {
  const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const reasoning = content.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('');
  const toolCalls = content.flatMap((part) =>
    part.type === 'toolUse' ? [{ id: chatToolCallId(part.id), type: 'function', function: { name: part.name, arguments: JSON.stringify(part.input ?? {}) } }] : [],
  );
  const message: Record<string, unknown> = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/**
 * Chat Completions streaming: a first chunk with the role, one chunk per content, reasoning or tool-call
 * piece (tool calls open with their id and name, then carry `function.arguments` fragments), and a last
 * chunk with an empty delta, the `finish_reason` and `usage`. `shell` gives the fields every chunk repeats.
 */
export function chatStreamEncoder(shell: () => Record<string, unknown>, options: { reasoning: boolean } = { reasoning: true }): InvokeStreamEncoder {
  let started = false;
  let toolIndex = -1;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ ...shell(), choices: [{ index: 0, delta, finish_reason: finishReason }] });
  return {
    encode(event: ChatStreamEvent) {
      const chunks: Record<string, unknown>[] = [];
      if (!started) {
        started = true;
        chunks.push(chunk({ role: 'assistant', content: '' }));
      }
      switch (event.type) {
        case 'textDelta':
          chunks.push(chunk({ content: event.text }));
          break;
        case 'reasoningDelta':
          if (options.reasoning) chunks.push(chunk({ reasoning_content: event.text }));
          break;
        case 'toolUseStart':
          toolIndex += 1;
          chunks.push(chunk({ tool_calls: [{ index: toolIndex, id: chatToolCallId(event.id), type: 'function', function: { name: event.name, arguments: '' } }] }));
          break;
        case 'toolUseDelta':
          chunks.push(chunk({ tool_calls: [{ index: toolIndex, function: { arguments: event.input } }] }));
          break;
        case 'finish':
          chunks.push({ ...chunk({}, chatFinishReason(event.stopReason)), usage: chatUsage(event.usage) });
          break;
      }
      return chunks;
    },
  };
}

/** `response_format` → a schema the answer must satisfy (`json_object` means any object). */
function responseSchema(value: unknown): JsonSchema | undefined {
  const format = asObject(value);
  if (format?.type === 'json_object') return { type: 'object' };
  if (format?.type !== 'json_schema') return undefined;
  return asObject(asObject(format.json_schema)?.schema) as JsonSchema | undefined;
}

/**
 * gpt-oss always reasons (at `medium` effort unless told otherwise), so its answers carry reasoning; other
 * models reason only when asked.
 */
function reasoningFor(model: ResolvedModel, effort: unknown): ChatReasoning | undefined {
  if (effort !== undefined) return { effort: effort as ChatReasoning['effort'] };
  return model.family === 'openai' ? { effort: 'medium' } : undefined;
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['messages'], TOP_LEVEL_KEYS);
  violations.push(...typeViolation(body.model, '#/model', 'String'), ...typeViolation(body.stream, '#/stream', 'Boolean'));
  collect(violations, [
    checkNumber(body.max_completion_tokens, '#/max_completion_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 2),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    checkNumber(body.seed, '#/seed', undefined, undefined, true),
    checkNumber(body.frequency_penalty, '#/frequency_penalty', -2, 2),
    checkNumber(body.presence_penalty, '#/presence_penalty', -2, 2),
  ]);
  violations.push(...enumViolation(body.reasoning_effort, '#/reasoning_effort', EFFORTS));
  const { system, messages } = decodeChatMessages(body.messages, violations);
  const tools = decodeChatTools(body.tools, violations);
  const toolChoice = decodeChatToolChoice(body.tool_choice, tools, violations);
  const stopSequences = decodeStop(body.stop, violations);
  if (violations.length > 0) throw malformedInput(violations);
  if (typeof body.model === 'string' && body.model !== model.requestedId && body.model !== model.baseModelId) {
    throw validationError(`The model '${body.model}' in the request body does not match the model '${model.requestedId}' in the request path.`);
  }
  return {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system,
    messages,
    ...toolsForChoice(tools, toolChoice),
    maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    seed: asNumber(body.seed),
    stopSequences,
    reasoning: reasoningFor(model, body.reasoning_effort),
    responseSchema: responseSchema(body.response_format),
  };
}

function isChatCompletionsContent(content: unknown): boolean {
  if (content === undefined || content === null || typeof content === 'string') return true;
  return asArray(content)?.every((part) => typeof asObject(part)?.type === 'string') ?? false;
}

/** The fields every response object and chunk of one call shares. */
function completionShell(context: InvokeContext, object: string) {
  return { id: `chatcmpl-${context.requestId.replace(/-/g, '')}`, object, created: Math.floor(Date.now() / 1000), model: context.model.requestedId };
}

/** Chat Completions bodies (gpt-oss, Qwen) ↔ neutral chat. */
export const openaiChatCodec: InvokeChatCodec = {
  name: 'openai-chat',
  // For `ollama.<model>` ids: a `messages` list whose contents are strings, `null` or typed parts.
  accepts: (body) => {
    const messages = asArray(body.messages);
    return messages !== undefined && messages.length > 0 && messages.every((message) => isChatCompletionsContent(asObject(message)?.content));
  },
  decode,
  encode(answer, context) {
    return {
      ...completionShell(context, 'chat.completion'),
      choices: [{ index: 0, message: chatMessage(answer.content), finish_reason: chatFinishReason(answer.stopReason) }],
      usage: chatUsage(answer.usage),
    };
  },
  streamEncoder(context) {
    const shell = completionShell(context, 'chat.completion.chunk');
    return chatStreamEncoder(() => shell);
  },
};
