import { createHash } from 'node:crypto';
import type { ChatMessage, ChatPart, ChatRequest, ChatResponse, ChatStopReason, ChatTool, ChatToolChoice, JsonSchema } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString } from '../json-values.js';
import { MISTRAL_TEXT_ONLY_MODELS, mistralTextCodec } from './mistral-text.js';
import { checkKeys, checkNumber, checkStringList, collect, jsonType, malformedInput, stringList } from './native-body-errors.js';

import type { InvokeChatCodec, InvokeStreamEncoder } from './types.js';
import { toolsForChoice } from './tool-choice.js';

/**
 * Mistral chat completion (Mistral Large 2407, Large 2402 in chat form, Pixtral): OpenAI-like `messages`
 * with tools → `{"choices": [{"index", "message": {role, content, tool_calls}, "stop_reason"}]}`. Note
 * Bedrock's key is `stop_reason`, not `finish_reason`.
 */

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const TOOL_CHOICES: Record<string, ChatToolChoice | 'none'> = { auto: { type: 'auto' }, any: { type: 'any' }, required: { type: 'any' }, none: 'none' };
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Mistral's tool-call ids are 9 alphanumerics; a neutral id (`tooluse_…`) maps to one stably. */
export function mistralToolCallId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  return Array.from(digest.subarray(0, 9), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

function messageViolations(value: unknown, path: string): string[] {
  const message = asObject(value);
  if (!message) return [`${path}: expected type: JSONObject, found: ${jsonType(value)}`];
  const violations = checkKeys(message, ['role'], ['content', 'tool_calls', 'tool_call_id', 'name', 'prefix'], path);
  const role = message.role;
  if (role !== undefined && (typeof role !== 'string' || !ROLES.has(role))) violations.push(`${path}/role: ${String(role)} is not a valid enum value`);
  if (message.content !== undefined && message.content !== null && typeof message.content !== 'string' && !Array.isArray(message.content)) {
    violations.push(`${path}/content: expected type: String, found: ${jsonType(message.content)}`);
  }
  if ((role === 'user' || role === 'system') && message.content === undefined) violations.push(`${path}: required key [content] not found`);
  if (role === 'tool' && typeof message.tool_call_id !== 'string') violations.push(`${path}: required key [tool_call_id] not found`);
  if (message.tool_calls !== undefined && !Array.isArray(message.tool_calls)) violations.push(`${path}/tool_calls: expected type: JSONArray, found: ${jsonType(message.tool_calls)}`);
  return violations;
}

/** A message's `content`: a string, or Pixtral's list of `text` and `image_url` (base64 data URL) chunks. */
function contentParts(content: unknown): ChatPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return (asArray(content) ?? []).flatMap((item): ChatPart[] => {
    const chunk = asObject(item) ?? {};
    if (chunk.type === 'text') return [{ type: 'text', text: asString(chunk.text) ?? '' }];
    if (chunk.type !== 'image_url') return [];
    const url = asString(chunk.image_url) ?? asString(asObject(chunk.image_url)?.url) ?? '';
    const data = /^data:image\/([\w.+-]+);base64,(.*)$/s.exec(url);
    if (!data) throw validationError('Images must be sent as base64 data URLs (data:image/<format>;base64,…).');
    return [{ type: 'image', format: data[1]!, data: new Uint8Array(Buffer.from(data[2]!, 'base64')) }];
  });
}

function toolCallParts(value: unknown, path: string): ChatPart[] {
  return (asArray(value) ?? []).map((item, index) => {
    const call = asObject(item) ?? {};
    const fn = asObject(call.function) ?? {};
    const args = fn.arguments;
    let input: unknown = asObject(args) ?? {};
    if (typeof args === 'string' && args.trim() !== '') {
      try {
        input = JSON.parse(args);
      } catch {
        throw malformedInput([`${path}/${index}/function/arguments: is not valid JSON`]);
      }
    }
    return { type: 'toolUse', id: asString(call.id) ?? '', name: asString(fn.name) ?? '', input };
  });
}

function decodeMessages(raw: readonly unknown[]): { system: string[]; messages: ChatMessage[] } {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  const push = (role: ChatMessage['role'], content: ChatPart[]) => {
    if (content.length === 0) return;
    const previous = messages.at(-1);
    // Tool results and the user's next words are one neutral user turn, as in Converse.
    if (previous?.role === role) previous.content.push(...content);
    else messages.push({ role, content });
  };
  raw.forEach((item, index) => {
    const message = item as Record<string, unknown>;
    switch (message.role) {
      case 'system':
        system.push(...contentParts(message.content).flatMap((part) => (part.type === 'text' ? [part.text] : [])));
        break;
      case 'user':
        push('user', contentParts(message.content));
        break;
      case 'assistant':
        push('assistant', [...contentParts(message.content), ...toolCallParts(message.tool_calls, `#/messages/${index}/tool_calls`)]);
        break;
      case 'tool': {
        const text = contentParts(message.content).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
        push('user', [{ type: 'toolResult', toolUseId: message.tool_call_id as string, status: 'success', content: [{ type: 'text', text }] }]);
        break;
      }
    }
  });
  return { system, messages };
}

function toolViolations(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`#/tools: expected type: JSONArray, found: ${jsonType(value)}`];
  return value.flatMap((item, index) => {
    const fn = asObject(asObject(item)?.function);
    if (!fn) return [`#/tools/${index}: required key [function] not found`];
    return typeof fn.name === 'string' ? [] : [`#/tools/${index}/function: required key [name] not found`];
  });
}

function decodeTools(value: unknown): ChatTool[] {
  return (asArray(value) ?? []).map((item) => {
    const fn = asObject(asObject(item)?.function)!;
    return { name: fn.name as string, description: asString(fn.description), inputSchema: (asObject(fn.parameters) ?? { type: 'object', properties: {} }) as JsonSchema };
  });
}

/** `"auto"|"any"|"required"|"none"`, or `{"type": "function", "function": {"name"}}` for one tool. */
function decodeToolChoice(value: unknown, violations: string[]): ChatToolChoice | 'none' | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const choice = TOOL_CHOICES[value];
    if (!choice) violations.push(`#/tool_choice: ${value} is not a valid enum value`);
    return choice;
  }
  const name = asString(asObject(asObject(value)?.function)?.name);
  if (name === undefined) violations.push(`#/tool_choice: expected type: String, found: ${jsonType(value)}`);
  return name === undefined ? undefined : { type: 'tool', name };
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  // The older models have no chat form: their schema wants `prompt` and reports `messages` as extraneous.
  if (MISTRAL_TEXT_ONLY_MODELS.test(model.baseModelId)) return mistralTextCodec.decode(body, model);
  const violations = checkKeys(body, ['messages'], ['tools', 'tool_choice', 'max_tokens', 'temperature', 'top_p', 'stop']);
  collect(violations, [
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    ...checkStringList(body.stop, '#/stop', 10),
    ...toolViolations(body.tools),
  ]);
  if (body.messages !== undefined && !Array.isArray(body.messages)) violations.push(`#/messages: expected type: JSONArray, found: ${jsonType(body.messages)}`);
  (asArray(body.messages) ?? []).forEach((message, index) => violations.push(...messageViolations(message, `#/messages/${index}`)));
  const toolChoice = decodeToolChoice(body.tool_choice, violations);
  if (violations.length > 0) throw malformedInput(violations);

  const tools = decodeTools(body.tools);
  const { system, messages } = decodeMessages(body.messages as unknown[]);
  return {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system,
    messages,
    ...toolsForChoice(tools, toolChoice),
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    stopSequences: stringList(body.stop),
  };
}

function mistralStopReason(stopReason: ChatStopReason): 'stop' | 'length' | 'tool_calls' {
  if (stopReason === 'tool_use') return 'tool_calls';
  return stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded' ? 'length' : 'stop';
}

function toolCall(id: string, name: string, args: string) {
  return { id: mistralToolCallId(id), function: { name, arguments: args } };
}

function choice(message: Record<string, unknown>, stopReason: string | null) {
  return { choices: [{ index: 0, message: { role: 'assistant', ...message }, stop_reason: stopReason }] };
}

function encode(answer: ChatResponse): Record<string, unknown> {
  const content = answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const toolCalls = answer.content.flatMap((part) => (part.type === 'toolUse' ? [toolCall(part.id, part.name, JSON.stringify(part.input ?? {}))] : []));
  return choice({ content, tool_calls: toolCalls.length > 0 ? toolCalls : null }, mistralStopReason(answer.stopReason));
}

/**
 * A `choices` chunk per text delta; tool calls are sent whole in the last chunk, because Mistral streams
 * each call complete (its `arguments` string is never split across chunks).
 */
function streamEncoder(): InvokeStreamEncoder {
  const calls: { id: string; name: string; args: string }[] = [];
  return {
    encode(event) {
      switch (event.type) {
        case 'textDelta':
          return [choice({ content: event.text }, null)];
        case 'toolUseStart':
          calls.push({ id: event.id, name: event.name, args: '' });
          return [];
        case 'toolUseDelta':
          if (calls.length > 0) calls.at(-1)!.args += event.input;
          return [];
        case 'finish': {
          const toolCalls = calls.map((call) => toolCall(call.id, call.name, call.args === '' ? '{}' : call.args));
          return [choice({ content: '', ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }, mistralStopReason(event.stopReason))];
        }
        default:
          return [];
      }
    },
  };
}

/** Mistral chat-completion bodies ↔ neutral chat. */
export const mistralChatCodec: InvokeChatCodec = {
  name: 'mistral-chat',
  accepts: (body) => body.messages !== undefined,
  decode,
  encode,
  streamEncoder,
};
