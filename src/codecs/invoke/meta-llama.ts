import type { ChatMessage, ChatPart, ChatRequest } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { asNumber, fromBase64 } from '../json-values.js';
import { checkKeys, checkNumber, checkString, checkStringList, stringList, throwIfAny } from './native-body-errors.js';
import { completionStopReason, promptChatRequest } from './prompt-templates.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';

/**
 * Meta Llama 2/3/3.x/4: `{"prompt": "<|begin_of_text|>…", "max_gen_len", "temperature", "top_p"}` (Llama 3.2
 * vision also `images`) → `{generation, prompt_token_count, generation_token_count, stop_reason}`.
 */

/** Bedrock's documented default for `max_gen_len`. */
const DEFAULT_MAX_GEN_LEN = 512;

/** An image's format from its first bytes; Llama's `images` carry no media type. */
function imageFormat(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xd8) return 'jpeg';
  if (data[0] === 0x47 && data[1] === 0x49 && data[2] === 0x46) return 'gif';
  if (data[0] === 0x52 && data[1] === 0x49 && data[8] === 0x57 && data[9] === 0x45) return 'webp';
  return 'png';
}

/** Llama 3.2 vision puts the image in the first user turn (where its `<|image|>` token goes). */
function attachImages(messages: ChatMessage[], images: readonly string[]): ChatMessage[] {
  if (images.length === 0) return messages;
  const parts: ChatPart[] = images.map((image) => {
    const data = fromBase64(image)!;
    return { type: 'image', format: imageFormat(data), data };
  });
  const target = messages.find((message) => message.role === 'user');
  if (target) target.content.unshift(...parts);
  else messages.unshift({ role: 'user', content: parts });
  return messages;
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  throwIfAny([
    ...checkKeys(body, ['prompt'], ['temperature', 'top_p', 'max_gen_len', 'images']),
    checkString(body.prompt, '#/prompt'),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    // Bedrock's Llama schema bounds max_gen_len by the model's output limit.
    checkNumber(body.max_gen_len, '#/max_gen_len', 1, model.maxOutputTokens, true),
    ...checkStringList(body.images, '#/images'),
  ]);

  const request = promptChatRequest(model, body.prompt as string, {
    maxTokens: asNumber(body.max_gen_len) ?? DEFAULT_MAX_GEN_LEN,
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
  });
  return { ...request, messages: attachImages(request.messages, stringList(body.images)) };
}

/**
 * One chunk per text delta: `prompt_token_count` on the first chunk only, `generation_token_count` running
 * (one per delta, as models stream one token per delta), then a last chunk with the stop reason and the
 * final count.
 */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  let first = true;
  let generated = 0;
  const chunk = (generation: string, generationTokens: number, stopReason: string | null) => {
    // The prompt's count is known before the answer's usage, so it is counted here as usage counts it.
    const promptTokens = first ? countChatRequestTokens(context.request) : null;
    first = false;
    return { generation, prompt_token_count: promptTokens, generation_token_count: generationTokens, stop_reason: stopReason };
  };
  return {
    encode(event) {
      if (event.type === 'textDelta') return [chunk(event.text, ++generated, null)];
      if (event.type === 'finish') return [chunk('', event.usage.outputTokens, completionStopReason(event.stopReason))];
      // Llama has no form for reasoning or tool calls.
      return [];
    },
  };
}

/** Meta Llama prompt bodies ↔ neutral chat. */
export const metaLlamaCodec: InvokeChatCodec = {
  name: 'meta-llama',
  decode,
  encode(answer) {
    return {
      generation: answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(''),
      prompt_token_count: answer.usage.inputTokens,
      generation_token_count: answer.usage.outputTokens,
      stop_reason: completionStopReason(answer.stopReason),
    };
  },
  streamEncoder,
};
