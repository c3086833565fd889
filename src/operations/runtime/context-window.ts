import type { ChatRequest } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';

/**
 * Rejects a request whose input alone does not fit the model's context window, as Bedrock does before the
 * model runs. Only the input counts: a `maxTokens` that would overflow the window is cut short by the model
 * (a `max_tokens` stop), not rejected. The count is the one `usage` and CountTokens report, so a prompt that
 * CountTokens says fits is never rejected here. Call it after `loadTokenizer(model.baseModelId)`.
 *
 * The wording is the service's: Claude passes its own complaint through (`prompt is too long: N tokens > M
 * maximum`), other models get Bedrock's `Input is too long for requested model.`; Converse wraps either in
 * `The model returned the following errors: …`, InvokeModel sends it bare.
 *
 * @example
 * const chat = parseConverseRequest(body, model, 'Converse').chat;
 * checkContextWindow(model, chat, 'Converse'); // throws ValidationException for a 5,000-token Titan Lite prompt
 */
export function checkContextWindow(model: ResolvedModel, request: ChatRequest, api: 'Converse' | 'InvokeModel'): void {
  const inputTokens = countChatRequestTokens(request);
  if (inputTokens <= model.contextWindow) return;
  const complaint = model.family === 'anthropic' ? `prompt is too long: ${inputTokens} tokens > ${model.contextWindow} maximum` : 'Input is too long for requested model.';
  throw validationError(api === 'Converse' ? `The model returned the following errors: ${complaint}` : complaint);
}
