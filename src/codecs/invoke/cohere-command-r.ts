import { createHash } from 'node:crypto';
import type { ChatMessage, ChatOutputPart, ChatPart, ChatRequest, ChatStopReason, ChatStreamEvent, ChatTool, ChatUsage, JsonSchema } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString } from '../json-values.js';
import { cohereFinishReason, derivedUuid } from './cohere-command.js';
import { checkKeys, checkNumber, collect, jsonType, malformedInput, typeViolation } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';

/**
 * Cohere Command R / R+: `message` plus `chat_history` (USER / CHATBOT / SYSTEM / TOOL turns), `preamble`,
 * grounding `documents`, and tools declared with `parameter_definitions`. Cohere's tool calls carry no ids
 * (a result names the call it answers), so neutral ids are derived from each call's name and parameters.
 */

const TOP_LEVEL_KEYS = [
  'chat_history',
  'documents',
  'preamble',
  'search_queries_only',
  'max_tokens',
  'temperature',
  'p',
  'k',
  'prompt_truncation',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'return_prompt',
  'tools',
  'tool_results',
  'stop_sequences',
  'raw_prompting',
];
const HISTORY_ROLES = ['USER', 'CHATBOT', 'SYSTEM', 'TOOL'];

/** A tool call as Cohere writes it. */
interface CohereToolCall {
  name: string;
  parameters: unknown;
}

/** What encode needs from the body that the neutral request does not keep, to echo `chat_history`. */
const calls = new WeakMap<ChatRequest, { history: unknown[]; message: string; toolResults: unknown[] }>();

/** The neutral id of a Cohere tool call: the same call always gets the same id, so results pair with calls. */
function callId(call: CohereToolCall): string {
  return `cohere_${createHash('sha256').update(`${call.name}\u0000${JSON.stringify(call.parameters ?? {})}`).digest('hex').slice(0, 24)}`;
}

function toolCallOf(value: unknown): CohereToolCall {
  const call = asObject(value) ?? {};
  return { name: asString(call.name) ?? '', parameters: asObject(call.parameters) ?? {} };
}

function toolUsePart(call: CohereToolCall): ChatPart {
  return { type: 'toolUse', id: callId(call), name: call.name, input: call.parameters };
}

function toolResultParts(results: unknown): ChatPart[] {
  return (asArray(results) ?? []).map((raw) => {
    const result = asObject(raw) ?? {};
    const outputs = asArray(result.outputs) ?? [];
    return { type: 'toolResult', toolUseId: callId(toolCallOf(result.call)), content: outputs.map((value) => ({ type: 'json' as const, value })) };
  });
}

/** Cohere parameter types are Python-style (`str`, `int`, `float`, `bool`, `List[str]`, `Dict`). */
function schemaForType(type: string): JsonSchema {
  const list = /^list(?:\[(.+)\])?$/i.exec(type.trim());
  if (list) return list[1] ? { type: 'array', items: schemaForType(list[1]) } : { type: 'array' };
  const name = type.trim().toLowerCase();
  if (name === 'int' || name === 'integer') return { type: 'integer' };
  if (name === 'float' || name === 'number') return { type: 'number' };
  if (name === 'bool' || name === 'boolean') return { type: 'boolean' };
  if (name.startsWith('dict') || name === 'object') return { type: 'object' };
  return { type: 'string' };
}

function decodeTools(value: unknown, violations: string[]): ChatTool[] {
  violations.push(...typeViolation(value, '#/tools', 'JSONArray'));
  return (asArray(value) ?? []).flatMap((raw, index): ChatTool[] => {
    const tool = asObject(raw) ?? {};
    const missing = ['name', 'description'].filter((key) => typeof tool[key] !== 'string');
    if (missing.length > 0) {
      violations.push(...missing.map((key) => `#/tools/${index}: required key [${key}] not found`));
      return [];
    }
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [name, rawDefinition] of Object.entries(asObject(tool.parameter_definitions) ?? {})) {
      const definition = asObject(rawDefinition) ?? {};
      const description = asString(definition.description);
      properties[name] = { ...schemaForType(asString(definition.type) ?? 'str'), ...(description ? { description } : {}) };
      if (definition.required === true) required.push(name);
    }
    const inputSchema: JsonSchema = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
    return [{ name: tool.name as string, description: tool.description as string, inputSchema }];
  });
}

/** Grounding documents (any string fields, usually `title` and `snippet`) as document parts. */
function documentParts(value: unknown): ChatPart[] {
  return (asArray(value) ?? []).map((raw, index) => {
    const document = asObject(raw) ?? {};
    const text = Object.entries(document)
      .map(([key, field]) => `${key}: ${typeof field === 'string' ? field : JSON.stringify(field)}`)
      .join('\n');
    return { type: 'document', format: 'txt', name: asString(document.title) ?? `document_${index}`, text };
  });
}

/**
 * The conversation: history turns, then the new `message`. With `tool_results` the turn that made the
 * calls must precede the results; when the history does not end with it, it is rebuilt from the calls the
 * results name (after the question, unless the history already ends with it).
 */
function decodeConversation(body: Record<string, unknown>, system: string[], violations: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const push = (role: ChatMessage['role'], parts: ChatPart[]) => {
    if (parts.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...parts);
    else messages.push({ role, content: parts });
  };
  const text = (value: string): ChatPart[] => (value === '' ? [] : [{ type: 'text', text: value }]);
  (asArray(body.chat_history) ?? []).forEach((raw, index) => {
    const entry = asObject(raw);
    if (!entry) return violations.push(`#/chat_history/${index}: expected type: JSONObject, found: ${jsonType(raw)}`);
    if (!HISTORY_ROLES.includes(entry.role as string)) return violations.push(`#/chat_history/${index}/role: ${String(entry.role)} is not a valid enum value`);
    violations.push(...typeViolation(entry.message, `#/chat_history/${index}/message`, 'String'));
    const message = asString(entry.message) ?? '';
    if (entry.role === 'USER') push('user', text(message));
    else if (entry.role === 'CHATBOT') push('assistant', [...text(message), ...(asArray(entry.tool_calls) ?? []).map((call) => toolUsePart(toolCallOf(call)))]);
    else if (entry.role === 'TOOL') push('user', toolResultParts(entry.tool_results));
    else if (message !== '') system.push(message);
  });

  const message = asString(body.message) ?? '';
  const results = asArray(body.tool_results) ?? [];
  if (results.length > 0) {
    const last = messages.at(-1);
    if (!(last?.role === 'assistant' && last.content.some((part) => part.type === 'toolUse'))) {
      const lastText = last?.role === 'user' ? last.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n') : undefined;
      if (lastText !== message) push('user', text(message));
      push('assistant', results.map((result) => toolUsePart(toolCallOf(asObject(result)?.call))));
    }
    push('user', toolResultParts(results));
  } else {
    push('user', text(message));
  }
  messages.findLast((turn) => turn.role === 'user')?.content.push(...documentParts(body.documents));
  return messages;
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['message'], TOP_LEVEL_KEYS);
  violations.push(
    ...typeViolation(body.message, '#/message', 'String'),
    ...typeViolation(body.chat_history, '#/chat_history', 'JSONArray'),
    ...typeViolation(body.documents, '#/documents', 'JSONArray'),
    ...typeViolation(body.preamble, '#/preamble', 'String'),
    ...typeViolation(body.tool_results, '#/tool_results', 'JSONArray'),
    ...typeViolation(body.stop_sequences, '#/stop_sequences', 'JSONArray'),
    ...typeViolation(body.search_queries_only, '#/search_queries_only', 'Boolean'),
    ...typeViolation(body.return_prompt, '#/return_prompt', 'Boolean'),
    ...typeViolation(body.raw_prompting, '#/raw_prompting', 'Boolean'),
  );
  collect(violations, [
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.p, '#/p', 0, 1),
    checkNumber(body.k, '#/k', 0, 500, true),
    checkNumber(body.frequency_penalty, '#/frequency_penalty', 0, 1),
    checkNumber(body.presence_penalty, '#/presence_penalty', 0, 1),
    checkNumber(body.seed, '#/seed', undefined, undefined, true),
  ]);
  if (body.prompt_truncation !== undefined && body.prompt_truncation !== 'OFF' && body.prompt_truncation !== 'AUTO_PRESERVE_ORDER') {
    violations.push(`#/prompt_truncation: ${String(body.prompt_truncation)} is not a valid enum value`);
  }
  if (body.message === '' && body.tool_results === undefined) violations.push('#/message: expected minLength: 1, actual: 0');
  (asArray(body.stop_sequences) ?? []).forEach((stop, index) => violations.push(...typeViolation(stop, `#/stop_sequences/${index}`, 'String')));
  const system = typeof body.preamble === 'string' && body.preamble !== '' ? [body.preamble] : [];
  const tools = decodeTools(body.tools, violations);
  const messages = decodeConversation(body, system, violations);
  if (violations.length > 0) throw malformedInput(violations);

  const request: ChatRequest = {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system,
    messages,
    tools,
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.p),
    topK: asNumber(body.k),
    seed: asNumber(body.seed),
    stopSequences: (asArray(body.stop_sequences) ?? []) as string[],
  };
  calls.set(request, { history: asArray(body.chat_history) ?? [], message: body.message as string, toolResults: asArray(body.tool_results) ?? [] });
  return request;
}

/** The complete response; the stream's `stream-end` event repeats it. */
function responseBody(text: string, toolCalls: CohereToolCall[], stopReason: ChatStopReason, usage: ChatUsage, context: InvokeContext): Record<string, unknown> {
  const call = calls.get(context.request);
  const chatbot = { role: 'CHATBOT', message: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
  const history = [
    ...(call?.history ?? []),
    ...(call && call.message !== '' ? [{ role: 'USER', message: call.message }] : []),
    ...(call && call.toolResults.length > 0 ? [{ role: 'TOOL', tool_results: call.toolResults }] : []),
    chatbot,
  ];
  const tokens = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens };
  return {
    response_id: context.requestId,
    text,
    generation_id: derivedUuid(context.requestId, 'generation'),
    chat_history: history,
    finish_reason: cohereFinishReason(stopReason),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    meta: { api_version: { version: '1' }, billed_units: tokens, tokens },
  };
}

function answerParts(content: readonly ChatOutputPart[]): { text: string; toolCalls: CohereToolCall[] } {
  const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const toolCalls = content.flatMap((part) => (part.type === 'toolUse' ? [{ name: part.name, parameters: part.input ?? {} }] : []));
  return { text, toolCalls };
}

function parseToolInput(input: string): unknown {
  try {
    return input.trim() === '' ? {} : JSON.parse(input);
  } catch {
    return {};
  }
}

/**
 * Command R's stream: `stream-start`, a `text-generation` event per piece, the tool calls in one
 * `tool-calls-generation` event once their input is complete, then `stream-end` with the full response.
 */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  let started = false;
  let text = '';
  const tools: { name: string; input: string }[] = [];
  return {
    encode(event: ChatStreamEvent) {
      const chunks: Record<string, unknown>[] = [];
      if (!started) {
        started = true;
        chunks.push({ event_type: 'stream-start', is_finished: false, generation_id: derivedUuid(context.requestId, 'generation') });
      }
      switch (event.type) {
        case 'textDelta':
          text += event.text;
          chunks.push({ event_type: 'text-generation', is_finished: false, text: event.text });
          break;
        case 'toolUseStart':
          tools.push({ name: event.name, input: '' });
          break;
        case 'toolUseDelta':
          if (tools.length > 0) tools[tools.length - 1]!.input += event.input;
          break;
        case 'finish': {
          const toolCalls = tools.map((tool) => ({ name: tool.name, parameters: parseToolInput(tool.input) }));
          if (toolCalls.length > 0) chunks.push({ event_type: 'tool-calls-generation', is_finished: false, text, tool_calls: toolCalls });
          const response = responseBody(text, toolCalls, event.stopReason, event.usage, context);
          chunks.push({ event_type: 'stream-end', is_finished: true, finish_reason: response.finish_reason, response });
          break;
        }
      }
      return chunks;
    },
  };
}

/** Cohere Command R / R+ chat bodies ↔ neutral chat. */
export const cohereCommandRCodec: InvokeChatCodec = {
  name: 'cohere-command-r',
  accepts: (body) => body.message !== undefined,
  decode,
  encode(answer, context) {
    const { text, toolCalls } = answerParts(answer.content);
    return responseBody(text, toolCalls, answer.stopReason, answer.usage, context);
  },
  streamEncoder,
};
