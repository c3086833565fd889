import { parseConverseRequest } from '../../codecs/converse-request.js';
import { converseResponseBody } from '../../codecs/converse-response.js';
import { jsonResponse } from '../../encoding/json-response.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import { checkContextWindow } from './context-window.js';
import { checkChatFeatures, checkModelAccess } from '../../models/feature-checks.js';
import { servedConversePerformance } from '../../models/service-tiers.js';
import { guardChat } from '../../guardrails/inline/guard-answer.js';
import { converseGuardedInput } from '../../guardrails/inline/guarded-input.js';
import { readConverseGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import { accountPromptCache, withPromptCacheUsage } from '../../caching/cache-accounting.js';

/** `POST /model/{modelId}/converse`: one answer as JSON. */
export const converseOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt, origin }) => {
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readJsonBody(request.body);
  const parsed = parseConverseRequest(body, model, 'Converse');
  checkModelAccess(runtime, model, { batch: origin === 'batch' });
  checkChatFeatures(runtime.featureChecks, model, 'Converse', parsed.chat);
  checkContextWindow(model, parsed.chat, 'Converse');
  Object.assign(parsed.response, servedConversePerformance(runtime.foundationModels, model, parsed.response));
  const promptCache = accountPromptCache(runtime, model, parsed.chat, 'Converse');
  const guardrail = openInlineGuardrail(runtime, readConverseGuardrailConfig(body));
  const generate = () => runtime.backend.chat(parsed.chat, { signal, operation: 'Converse' });
  const answer = guardrail ? await guardChat(guardrail, converseGuardedInput(body), generate) : await generate();
  const responseBody = converseResponseBody({ ...answer, usage: withPromptCacheUsage(answer.usage, promptCache) }, model, parsed.response, performance.now() - startedAt);
  const trace = guardrail?.converseTrace();
  if (trace) responseBody.trace = { guardrail: trace };
  return jsonResponse(responseBody, requestId);
};
