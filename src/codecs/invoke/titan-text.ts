import type { ChatMessage, ChatRequest, ChatResponse, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { asArray, asNumber, asObject } from '../json-values.js';
import { checkKeys, checkNumber, collect, malformedInput, typeViolation } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';

/**
 * Amazon Titan Text (Express, Lite, Premier): `inputText`, which may hold a `User:` / `Bot:` conversation,
 * and `textGenerationConfig`. Titan has no system prompt and no tools.
 */

const CONFIG_KEYS = ['maxTokenCount', 'stopSequences', 'temperature', 'topP'];
/** Titan's documented default: a body without `maxTokenCount` is cut at 512 tokens. */
const DEFAULT_MAX_TOKEN_COUNT = 512;
/** A turn marker at the start of a line, as Titan's chat format writes them. */
const TURN_MARKER = /^[ \t]*(User|Bot):/gm;

/**
 * Titan's prompt as neutral turns: text after `User:` is the user's, after `Bot:` the model's. Text before
 * the first marker belongs to the first user turn, and the trailing empty `Bot:` that cues the answer is
 * dropped. A prompt without markers is one user turn, verbatim.
 */
export function parseTitanTurns(inputText: string): ChatMessage[] {
  const markers = [...inputText.matchAll(TURN_MARKER)];
  const messages: ChatMessage[] = [];
  const push = (role: ChatMessage['role'], raw: string) => {
    const text = raw.trim();
    if (text === '') return;
    const last = messages.at(-1);
    const lastPart = last?.content[0];
    if (last?.role === role && lastPart?.type === 'text') lastPart.text += `\n${text}`;
    else messages.push({ role, content: [{ type: 'text', text }] });
  };
  push('user', inputText.slice(0, markers[0]?.index ?? 0));
  markers.forEach((marker, position) => {
    const end = markers[position + 1]?.index ?? inputText.length;
    push(marker[1] === 'User' ? 'user' : 'assistant', inputText.slice(marker.index + marker[0].length, end));
  });
  return messages.length > 0 ? messages : [{ role: 'user', content: [{ type: 'text', text: inputText }] }];
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['inputText'], ['textGenerationConfig']);
  violations.push(...typeViolation(body.inputText, '#/inputText', 'String'));
  if (body.inputText === '') violations.push('#/inputText: expected minLength: 1, actual: 0');
  violations.push(...typeViolation(body.textGenerationConfig, '#/textGenerationConfig', 'JSONObject'));
  const config = asObject(body.textGenerationConfig) ?? {};
  violations.push(...checkKeys(config, [], CONFIG_KEYS, '#/textGenerationConfig'));
  collect(violations, [
    // The schema's maximum is the model's output limit, so a too-large count names it.
    checkNumber(config.maxTokenCount, '#/textGenerationConfig/maxTokenCount', 0, model.maxOutputTokens, true),
    checkNumber(config.temperature, '#/textGenerationConfig/temperature', 0, 1),
    checkNumber(config.topP, '#/textGenerationConfig/topP', 0, 1),
  ]);
  violations.push(...typeViolation(config.stopSequences, '#/textGenerationConfig/stopSequences', 'JSONArray'));
  (asArray(config.stopSequences) ?? []).forEach((sequence, index) =>
    violations.push(...typeViolation(sequence, `#/textGenerationConfig/stopSequences/${index}`, 'String')),
  );
  if (violations.length > 0) throw malformedInput(violations);

  return {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system: [],
    messages: parseTitanTurns(body.inputText as string),
    tools: [],
    maxTokens: asNumber(config.maxTokenCount) ?? DEFAULT_MAX_TOKEN_COUNT,
    temperature: asNumber(config.temperature),
    topP: asNumber(config.topP),
    stopSequences: (asArray(config.stopSequences) ?? []) as string[],
  };
}

function completionReason(stopReason: ChatStopReason): string {
  switch (stopReason) {
    case 'max_tokens':
      return 'LENGTH';
    case 'stop_sequence':
      return 'STOP_CRITERIA_MET';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'CONTENT_FILTERED';
    default:
      return 'FINISH';
  }
}

function outputText(answer: ChatResponse): string {
  return answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/**
 * Titan's stream: one chunk per piece of text, all with the same five keys. The first chunk carries
 * `inputTextTokenCount`, the last `totalOutputTextTokenCount` and `completionReason` together with the last
 * piece of text, so each piece is held until the next one (or the finish) shows whether it is the last.
 */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  let held: string | undefined;
  let sentFirst = false;
  const chunk = (text: string, finish?: Extract<ChatStreamEvent, { type: 'finish' }>) => {
    // A one-chunk answer knows the exact input count; a longer one reports the request's count up front.
    const inputTextTokenCount = sentFirst ? null : (finish?.usage.inputTokens ?? countChatRequestTokens(context.request));
    sentFirst = true;
    return {
      outputText: text,
      index: 0,
      totalOutputTextTokenCount: finish ? finish.usage.outputTokens : null,
      completionReason: finish ? completionReason(finish.stopReason) : null,
      inputTextTokenCount,
    };
  };
  return {
    encode(event: ChatStreamEvent) {
      if (event.type === 'textDelta') {
        const chunks = held === undefined ? [] : [chunk(held)];
        held = event.text;
        return chunks;
      }
      if (event.type !== 'finish') return [];
      const last = chunk(held ?? '', event);
      held = undefined;
      return [last];
    },
  };
}

/** Titan Text bodies ↔ neutral chat. */
export const titanTextCodec: InvokeChatCodec = {
  name: 'titan-text',
  accepts: (body) => body.inputText !== undefined,
  decode,
  encode(answer) {
    return {
      inputTextTokenCount: answer.usage.inputTokens,
      results: [{ tokenCount: answer.usage.outputTokens, outputText: outputText(answer), completionReason: completionReason(answer.stopReason) }],
    };
  },
  streamEncoder,
};
