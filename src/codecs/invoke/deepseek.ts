import type { ChatRequest, ChatResponse } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asNumber } from '../json-values.js';
import { checkKeys, checkNumber, checkString, checkStringList, stringList, throwIfAny } from './native-body-errors.js';
import { completionStopReason, promptChatRequest } from './prompt-templates.js';
import type { InvokeChatCodec, InvokeStreamEncoder } from './types.js';

/**
 * DeepSeek R1: `{"prompt": "<｜begin▁of▁sentence｜><｜User｜>…<｜Assistant｜><think>\n", "max_tokens", "temperature",
 * "top_p", "stop"}` → `{"choices": [{"text", "stop_reason"}]}`. The prompt opens the model's thinking, so
 * the answer text is the reasoning, then `</think>`, then the answer proper.
 */

/** What closes the reasoning in R1's output, and the blank line it writes before the answer. */
const END_OF_THINKING = '\n</think>\n\n';

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  throwIfAny([
    ...checkKeys(body, ['prompt'], ['max_tokens', 'temperature', 'top_p', 'stop']),
    checkString(body.prompt, '#/prompt'),
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    ...checkStringList(body.stop, '#/stop', 10),
  ]);

  return promptChatRequest(model, body.prompt as string, {
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    stopSequences: stringList(body.stop),
    // R1 always reasons before it answers; asking the backend for reasoning gets that shape back.
    reasoning: {},
  });
}

/** The answer as R1 writes it: reasoning, `</think>`, answer. */
function completionText(answer: ChatResponse): string {
  const reasoning = answer.content.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('');
  const text = answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  if (reasoning === '') return text;
  return text === '' ? reasoning : `${reasoning}${END_OF_THINKING}${text}`;
}

function choice(text: string, stopReason: string | null) {
  return { choices: [{ text, stop_reason: stopReason }] };
}

/** A chunk per reasoning or text delta; the first text after reasoning carries the `</think>` boundary. */
function streamEncoder(): InvokeStreamEncoder {
  let thinking = false;
  return {
    encode(event) {
      switch (event.type) {
        case 'reasoningDelta':
          thinking = true;
          return [choice(event.text, null)];
        case 'textDelta': {
          const text = thinking ? `${END_OF_THINKING}${event.text}` : event.text;
          thinking = false;
          return [choice(text, null)];
        }
        case 'finish':
          return [choice('', completionStopReason(event.stopReason))];
        default:
          return [];
      }
    },
  };
}

/** DeepSeek R1 prompt bodies ↔ neutral chat. */
export const deepseekCodec: InvokeChatCodec = {
  name: 'deepseek',
  decode,
  encode: (answer) => choice(completionText(answer), completionStopReason(answer.stopReason)),
  streamEncoder,
};
