import type { ChatRequest, ChatResponse, ChatStopReason } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asNumber } from '../json-values.js';
import { checkKeys, checkNumber, checkString, checkStringList, stringList, throwIfAny } from './native-body-errors.js';
import { promptChatRequest } from './prompt-templates.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';

/**
 * Anthropic Claude, legacy Text Completions (`claude-v2`, `claude-v2:1`, `claude-instant-v1`):
 * `{"prompt": "\n\nHuman: …\n\nAssistant:", "max_tokens_to_sample": n}` → `{completion, stop_reason, stop}`.
 */

const ALLOWED_KEYS = ['temperature', 'top_p', 'top_k', 'stop_sequences', 'anthropic_version'];
/** The turn Claude writes next when it has finished its own; Bedrock reports it as the stop sequence. */
const HUMAN_TURN = '\n\nHuman:';

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  throwIfAny([
    ...checkKeys(body, ['prompt', 'max_tokens_to_sample'], ALLOWED_KEYS),
    checkString(body.prompt, '#/prompt'),
    checkNumber(body.max_tokens_to_sample, '#/max_tokens_to_sample', 1, model.maxOutputTokens, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    checkNumber(body.top_k, '#/top_k', 0, 500, true),
    ...checkStringList(body.stop_sequences, '#/stop_sequences'),
  ]);

  const prompt = body.prompt as string;
  // Claude's own prompt rules, worded as Anthropic's API words them (the markers written escaped).
  if (!prompt.includes(HUMAN_TURN)) throw validationError('prompt must start with "\\n\\nHuman:" turn after an optional system prompt');
  if (prompt.lastIndexOf('\n\nAssistant:') < prompt.lastIndexOf(HUMAN_TURN)) throw validationError('prompt must end with "\\n\\nAssistant:" turn');
  return promptChatRequest(
    model,
    prompt,
    {
      maxTokens: body.max_tokens_to_sample as number,
      temperature: asNumber(body.temperature),
      topP: asNumber(body.top_p),
      topK: asNumber(body.top_k),
      stopSequences: stringList(body.stop_sequences),
    },
    'claude',
  );
}

/** Claude always reports `stop_sequence` for a finished answer: it stopped at the next `\n\nHuman:`. */
function stopOf(stopReason: ChatStopReason, stopSequence: string | undefined): { stop_reason: string; stop: string | null } {
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return { stop_reason: 'max_tokens', stop: null };
  return { stop_reason: 'stop_sequence', stop: stopSequence ?? HUMAN_TURN };
}

/** Claude's completions start with the space after `Assistant:`, unless the prompt prefilled the answer. */
function leadingSpace(context: InvokeContext, text: string): string {
  const prefilled = context.request.messages.at(-1)?.role === 'assistant';
  return prefilled || text === '' || /^\s/.test(text) ? '' : ' ';
}

function answerText(answer: ChatResponse): string {
  return answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/** One chunk per text delta with null stop fields, then a last chunk with the stop reason. */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  let started = false;
  return {
    encode(event) {
      if (event.type === 'textDelta') {
        const completion = started ? event.text : leadingSpace(context, event.text) + event.text;
        started = true;
        return [{ completion, stop_reason: null, stop: null }];
      }
      if (event.type === 'finish') return [{ completion: '', ...stopOf(event.stopReason, event.stopSequence) }];
      // Text Completions has no form for reasoning or tool calls.
      return [];
    },
  };
}

/** Claude Text Completions bodies ↔ neutral chat. */
export const anthropicTextCodec: InvokeChatCodec = {
  name: 'anthropic-text',
  accepts: (body) => body.prompt !== undefined,
  decode,
  encode(answer, context) {
    const text = answerText(answer);
    return { completion: leadingSpace(context, text) + text, ...stopOf(answer.stopReason, answer.stopSequence) };
  },
  streamEncoder,
};
