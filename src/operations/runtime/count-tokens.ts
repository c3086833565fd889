import type { ChatRequest } from '../../chat/types.js';
import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { parseConverseRequest } from '../../codecs/converse-request.js';
import { chatCodecFor } from '../../codecs/invoke/registry.js';
import { asObject } from '../../codecs/json-values.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { findCatalogEntry } from '../../models/catalog.js';
import { parseModelId } from '../../models/model-id.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';

const MALFORMED = 'Malformed input request, please reformat your input and try again.';
/** CountTokens' own `modelId` constraint, narrower than the other operations' (no `@`, `+`; ≤256). */
const MODEL_ID_PATTERN = /^[a-zA-Z_.\-/0-9:]+$/;
/** The members a `converse` input has: a Converse request without inference settings. */
const CONVERSE_MEMBERS = ['messages', 'system', 'toolConfig', 'additionalModelRequestFields'] as const;

/**
 * `POST /model/{modelId}/count-tokens`: the input tokens a Converse request or an InvokeModel body would be
 * billed, `{"inputTokens": n}`. The request is decoded exactly as Converse/InvokeModel decode it and counted
 * with the same function their `usage` comes from, so on the scripted backend the numbers agree. With a real
 * backend this is local-bedrock's estimate for the Bedrock model id, not the backend's count.
 *
 * @example
 * const { inputTokens } = await client.send(new CountTokensCommand({
 *   modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
 *   input: { converse: { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] } },
 * }));
 */
export const countTokensOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const modelId = labels.modelId!;
  const body = asObject(readJsonBody(request.body));
  if (!body) throw validationError(MALFORMED);
  const errors = new ConstraintErrors();
  errors.checkLength('modelId', modelId, 1, 256);
  errors.checkPattern('modelId', modelId, MODEL_ID_PATTERN, '[a-zA-Z_\\.\\-/0-9:]+');
  errors.checkRequired('input', body.input);
  errors.throwIfAny();

  const model = runtime.models.resolve(modelId);
  // Counting is per foundation model: Bedrock rejects inference profile ids (`us.…`) here.
  if (parseModelId(modelId, (id) => findCatalogEntry(id) !== undefined).form === 'inference-profile') {
    throw validationError('The provided model identifier is invalid.');
  }
  if (model.kind !== 'chat') throw validationError("The provided model doesn't support counting tokens.");
  await loadTokenizer(model.baseModelId);
  const inputTokens = countChatRequestTokens(decodeInput(body.input, model));
  return jsonResponse({ inputTokens }, requestId);
};

/** The chat request behind a `CountTokensInput` union: exactly one of `converse` and `invokeModel`. */
function decodeInput(input: unknown, model: ResolvedModel): ChatRequest {
  const union = asObject(input);
  const members = union ? Object.keys(union).filter((key) => union[key] !== undefined && union[key] !== null) : [];
  if (!union || members.length !== 1) throw validationError(MALFORMED);
  if (members[0] === 'converse') {
    const converse = asObject(union.converse);
    if (!converse) throw validationError(MALFORMED);
    // Only the members the converse input has: inference settings do not change what the prompt costs.
    const request = Object.fromEntries(CONVERSE_MEMBERS.filter((key) => converse[key] !== undefined).map((key) => [key, converse[key]]));
    return parseConverseRequest(request, model, 'Converse').chat;
  }
  if (members[0] === 'invokeModel') return decodeInvokeModelBody(union.invokeModel, model);
  throw validationError(MALFORMED);
}

/** An `invokeModel` input: the native body, base64 in the JSON, decoded by the family's InvokeModel codec. */
function decodeInvokeModelBody(invokeModel: unknown, model: ResolvedModel): ChatRequest {
  const blob = asObject(invokeModel)?.body;
  const errors = new ConstraintErrors();
  errors.checkRequired('input.invokeModel.body', blob);
  errors.throwIfAny();
  if (typeof blob !== 'string') throw validationError(MALFORMED);
  const native = asObject(readJsonBody(new Uint8Array(Buffer.from(blob, 'base64'))));
  if (!native) throw validationError(MALFORMED);
  return chatCodecFor(model, native).decode(native, model);
}
