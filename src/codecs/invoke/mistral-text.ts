import type { ChatRequest, ChatResponse } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asNumber } from '../json-values.js';
import { checkKeys, checkNumber, checkString, checkStringList, stringList, throwIfAny } from './native-body-errors.js';
import { completionStopReason, promptChatRequest } from './prompt-templates.js';
import type { InvokeChatCodec, InvokeStreamEncoder } from './types.js';

/**
 * Mistral text completion (Mistral 7B Instruct, Mixtral 8x7B, Mistral Large/Small 2402):
 * `{"prompt": "<s>[INST] … [/INST]", "max_tokens", "stop", "temperature", "top_p", "top_k"}` →
 * `{"outputs": [{"text", "stop_reason"}]}`.
 */

/** The models that only take `prompt` bodies (no chat `messages`). */
export const MISTRAL_TEXT_ONLY_MODELS = /^mistral\.(mistral-7b|mixtral-8x7b|mistral-small-2402)/;

/** Bedrock's documented `max_tokens` defaults: 512 for 7B and Mixtral, the output limit for the others. */
function defaultMaxTokens(model: ResolvedModel): number {
  return /^mistral\.(mistral-7b|mixtral-8x7b)/.test(model.baseModelId) ? 512 : model.maxOutputTokens;
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  throwIfAny([
    ...checkKeys(body, ['prompt'], ['max_tokens', 'stop', 'temperature', 'top_p', 'top_k']),
    checkString(body.prompt, '#/prompt'),
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    checkNumber(body.top_k, '#/top_k', 1, 200, true),
    ...checkStringList(body.stop, '#/stop', 10),
  ]);

  return promptChatRequest(model, body.prompt as string, {
    maxTokens: asNumber(body.max_tokens) ?? defaultMaxTokens(model),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: stringList(body.stop),
  });
}

function output(text: string, stopReason: string | null) {
  return { outputs: [{ text, stop_reason: stopReason }] };
}

function answerText(answer: ChatResponse): string {
  return answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/** One `outputs` chunk per text delta with `stop_reason: null`, then one with the stop reason. */
function streamEncoder(): InvokeStreamEncoder {
  return {
    encode(event) {
      if (event.type === 'textDelta') return [output(event.text, null)];
      if (event.type === 'finish') return [output('', completionStopReason(event.stopReason))];
      return [];
    },
  };
}

/** Mistral text-completion bodies ↔ neutral chat. */
export const mistralTextCodec: InvokeChatCodec = {
  name: 'mistral-text',
  accepts: (body) => body.prompt !== undefined,
  decode,
  encode: (answer) => output(answerText(answer), completionStopReason(answer.stopReason)),
  streamEncoder,
};
