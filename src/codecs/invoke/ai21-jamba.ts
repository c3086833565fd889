import type { ChatRequest } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString } from '../json-values.js';
import { checkKeys, checkNumber, collect, malformedInput } from './native-body-errors.js';
import { chatFinishReason, chatMessage, chatStreamEncoder, chatUsage, decodeChatMessages, decodeChatToolChoice, decodeChatTools, decodeStop } from './openai-chat.js';
import type { InvokeChatCodec, InvokeContext } from './types.js';
import { toolsForChoice } from './tool-choice.js';

/**
 * AI21 Jamba (1.5 Large/Mini, Instruct): an OpenAI-like chat body (`messages`, `n`, `stop`, tools,
 * `documents`), answered with `choices`, `usage`, `meta` and `model`. The message and tool handling is the
 * Chat Completions codec's.
 */

const TOP_LEVEL_KEYS = ['max_tokens', 'temperature', 'top_p', 'stop', 'n', 'frequency_penalty', 'presence_penalty', 'tools', 'tool_choice', 'response_format', 'documents'];
const JAMBA_ROLES = ['system', 'user', 'assistant', 'tool'];

/** What encode needs from the request that the neutral request does not keep: choices asked for, start time. */
const calls = new WeakMap<ChatRequest, { choices: number; startedAt: number }>();

/** `documents` (`{content, metadata: [{key, value}]}`) as text the model reads, in the last user turn. */
function appendDocuments(request: ChatRequest, documents: unknown): void {
  const lastUser = request.messages.findLast((message) => message.role === 'user');
  (asArray(documents) ?? []).forEach((raw, index) => {
    const document = asObject(raw) ?? {};
    lastUser?.content.push({ type: 'document', format: 'txt', name: `document_${index}`, text: asString(document.content) ?? JSON.stringify(document) });
  });
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['messages'], TOP_LEVEL_KEYS);
  collect(violations, [
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 2),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    checkNumber(body.n, '#/n', 1, 16, true),
    checkNumber(body.frequency_penalty, '#/frequency_penalty', -2, 2),
    checkNumber(body.presence_penalty, '#/presence_penalty', -2, 2),
  ]);
  const { system, messages } = decodeChatMessages(body.messages, violations, JAMBA_ROLES);
  const tools = decodeChatTools(body.tools, violations);
  const toolChoice = decodeChatToolChoice(body.tool_choice, tools, violations);
  const stopSequences = decodeStop(body.stop, violations);
  if (violations.length > 0) throw malformedInput(violations);

  const format = asObject(body.response_format);
  const request: ChatRequest = {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system,
    messages,
    ...toolsForChoice(tools, toolChoice),
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    stopSequences,
    responseSchema: format?.type === 'json_object' ? { type: 'object' } : undefined,
  };
  appendDocuments(request, body.documents);
  calls.set(request, { choices: asNumber(body.n) ?? 1, startedAt: performance.now() });
  return request;
}

/** `ai21.jamba-1-5-large-v1:0` → `jamba-1.5-large`, the name AI21 reports. */
function jambaModelName(baseModelId: string): string {
  return baseModelId
    .replace(/^ai21\./, '')
    .replace(/-v\d+(:\d+)*$/, '')
    .replace(/(\d)-(\d)/, '$1.$2');
}

/** Jamba's response id: the per-call id without dashes, as AI21 writes its ids. */
function responseId(context: InvokeContext): string {
  return `chat-${context.requestId.replace(/-/g, '')}`;
}

/** AI21 Jamba chat bodies ↔ neutral chat. */
export const ai21JambaCodec: InvokeChatCodec = {
  name: 'ai21-jamba',
  decode,
  encode(answer, context) {
    const call = calls.get(context.request);
    // Jamba has no reasoning output, and reports `tool_calls: null` when there are none.
    const { reasoning_content: _reasoning, ...message } = chatMessage(answer.content);
    const choice = (index: number) => ({ index, message: { ...message, tool_calls: message.tool_calls ?? null }, finish_reason: chatFinishReason(answer.stopReason) });
    return {
      id: responseId(context),
      // The backend answers once; `n` choices repeat that answer so code indexing `choices[n-1]` works.
      choices: Array.from({ length: call?.choices ?? 1 }, (_, index) => choice(index)),
      usage: chatUsage(answer.usage),
      meta: { requestDurationMillis: call ? Math.round(performance.now() - call.startedAt) : 0 },
      model: jambaModelName(context.model.baseModelId),
    };
  },
  streamEncoder(context) {
    const id = responseId(context);
    return chatStreamEncoder(() => ({ id }), { reasoning: false });
  },
};
