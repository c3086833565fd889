import { accountPromptCache, type PromptCacheUsage } from '../../caching/cache-accounting.js';
import { parseConverseRequest, type ParsedConverseRequest } from '../../codecs/converse-request.js';
import { readConverseGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail, type InlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import { checkChatFeatures, checkModelAccess } from '../../models/feature-checks.js';
import type { ResolvedModel } from '../../models/registry.js';
import { servedConversePerformance } from '../../models/service-tiers.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import type { OperationContext } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { checkContextWindow } from './context-window.js';

/** A Converse or ConverseStream request, checked and ready to generate. */
export interface ConverseCall {
  model: ResolvedModel;
  /** The request body as sent (guardrails read their `guardContent` from it). */
  body: unknown;
  parsed: ParsedConverseRequest;
  promptCache: PromptCacheUsage | undefined;
  guardrail: InlineGuardrail | undefined;
}

/**
 * Everything Converse and ConverseStream do before the model runs, in the service's order: resolve the
 * model, parse and validate the body, refuse what the model cannot do, account the prompt cache, and open
 * the request's guardrail.
 *
 * @example
 * const { model, parsed, guardrail } = await prepareConverseCall(context, 'Converse');
 */
export async function prepareConverseCall(context: OperationContext, operation: 'Converse' | 'ConverseStream'): Promise<ConverseCall> {
  const { runtime, request, labels, origin } = context;
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readJsonBody(request.body);
  const parsed = parseConverseRequest(body, model, operation);
  checkModelAccess(runtime, model, { batch: origin === 'batch' });
  checkChatFeatures(runtime.featureChecks, model, operation, parsed.chat);
  checkContextWindow(model, parsed.chat, 'Converse');
  Object.assign(parsed.response, servedConversePerformance(runtime.foundationModels, model, parsed.response));
  const promptCache = accountPromptCache(runtime, model, parsed.chat, 'Converse');
  const guardrail = openInlineGuardrail(runtime, readConverseGuardrailConfig(body));
  return { model, body, parsed, promptCache, guardrail };
}
