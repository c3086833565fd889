import { createHash } from 'node:crypto';
import type { ChatOutputPart, ChatRequest, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber } from '../json-values.js';
import { checkKeys, checkNumber, collect, enumViolation, jsonType, malformedInput } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';

/**
 * Cohere Command (legacy text generation: `command-text-v14`, `command-light-text-v14`): a `prompt` in,
 * `generations` out. Likelihoods are not computed locally, so `return_likelihoods` is accepted and ignored.
 */

const TOP_LEVEL_KEYS = ['temperature', 'p', 'k', 'max_tokens', 'stop_sequences', 'return_likelihoods', 'stream', 'num_generations', 'logit_bias', 'truncate'];
/** Cohere's documented default: a body without `max_tokens` is cut at 20 tokens. */
const DEFAULT_MAX_TOKENS = 20;

/** What encode needs from the body that the neutral request does not keep. */
const calls = new WeakMap<ChatRequest, { prompt: string; generations: number }>();

/** A uuid-shaped id derived from the per-call id, so the ids of one call differ but are reproducible from it. */
export function derivedUuid(requestId: string, salt: string): string {
  const hex = createHash('sha256').update(`${requestId}/${salt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A neutral stop reason as Cohere's `finish_reason` (a stop sequence is a normal completion). */
export function cohereFinishReason(stopReason: ChatStopReason): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'MAX_TOKENS';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'ERROR_TOXIC';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'ERROR';
    default:
      return 'COMPLETE';
  }
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['prompt'], TOP_LEVEL_KEYS);
  if (body.prompt !== undefined && typeof body.prompt !== 'string') violations.push(`#/prompt: expected type: String, found: ${jsonType(body.prompt)}`);
  collect(violations, [
    checkNumber(body.temperature, '#/temperature', 0, 5),
    checkNumber(body.p, '#/p', 0, 1),
    checkNumber(body.k, '#/k', 0, 500, true),
    checkNumber(body.max_tokens, '#/max_tokens', 1, model.maxOutputTokens, true),
    checkNumber(body.num_generations, '#/num_generations', 1, 5, true),
  ]);
  violations.push(
    ...enumViolation(body.return_likelihoods, '#/return_likelihoods', ['NONE', 'GENERATION', 'ALL']),
    ...enumViolation(body.truncate, '#/truncate', ['NONE', 'START', 'END']),
  );
  if (body.stream !== undefined && typeof body.stream !== 'boolean') violations.push(`#/stream: expected type: Boolean, found: ${jsonType(body.stream)}`);
  const stops = body.stop_sequences;
  if (stops !== undefined && !Array.isArray(stops)) violations.push(`#/stop_sequences: expected type: JSONArray, found: ${jsonType(stops)}`);
  (asArray(stops) ?? []).forEach((stop, index) => {
    if (typeof stop !== 'string') violations.push(`#/stop_sequences/${index}: expected type: String, found: ${jsonType(stop)}`);
  });
  if (violations.length > 0) throw malformedInput(violations);

  const prompt = body.prompt as string;
  const request: ChatRequest = {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    tools: [],
    maxTokens: asNumber(body.max_tokens) ?? DEFAULT_MAX_TOKENS,
    temperature: asNumber(body.temperature),
    topP: asNumber(body.p),
    topK: asNumber(body.k),
    stopSequences: (asArray(stops) ?? []) as string[],
  };
  calls.set(request, { prompt, generations: asNumber(body.num_generations) ?? 1 });
  return request;
}

function textOf(content: readonly ChatOutputPart[]): string {
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/** The complete response; a stream's last chunk repeats it. */
function responseBody(text: string, stopReason: ChatStopReason, context: InvokeContext): Record<string, unknown> {
  const call = calls.get(context.request);
  // The backend answers once; `num_generations` generations repeat that answer under their own ids.
  const generations = Array.from({ length: call?.generations ?? 1 }, (_, index) => ({
    id: derivedUuid(context.requestId, `generation-${index}`),
    text,
    finish_reason: cohereFinishReason(stopReason),
  }));
  return { generations, id: context.requestId, prompt: call?.prompt ?? '' };
}

/** Command's stream: `{text, is_finished: false}` per piece, then `{is_finished: true, finish_reason, response}`. */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  let text = '';
  return {
    encode(event: ChatStreamEvent) {
      if (event.type === 'textDelta') {
        text += event.text;
        return [{ text: event.text, is_finished: false }];
      }
      if (event.type !== 'finish') return [];
      return [{ is_finished: true, finish_reason: cohereFinishReason(event.stopReason), response: responseBody(text, event.stopReason, context) }];
    },
  };
}

/** Cohere Command (legacy) bodies ↔ neutral chat. */
export const cohereCommandCodec: InvokeChatCodec = {
  name: 'cohere-command',
  accepts: (body) => body.prompt !== undefined,
  decode,
  encode: (answer, context) => responseBody(textOf(answer.content), answer.stopReason, context),
  streamEncoder,
};
