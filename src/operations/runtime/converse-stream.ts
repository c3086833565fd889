import { parseConverseRequest } from '../../codecs/converse-request.js';
import { ConverseStreamEncoder } from '../../codecs/converse-stream-encoder.js';
import { CONVERSE_STREAM_EXCEPTIONS } from '../../encoding/error-response.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { framedStream, joinFrames } from './backend-stream.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import { checkContextWindow } from './context-window.js';
import { checkChatFeatures, checkModelAccess } from '../../models/feature-checks.js';
import { servedConversePerformance } from '../../models/service-tiers.js';
import { converseGuardedInput } from '../../guardrails/inline/guarded-input.js';
import { readConverseGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import { startGuardedStream } from './guarded-backend-stream.js';
import { accountPromptCache, withPromptCacheEvent } from '../../caching/cache-accounting.js';

/**
 * `POST /model/{modelId}/converse-stream`. Errors before the model accepts the request are HTTP errors;
 * after that, an exception frame ends the stream (HTTP status stays 200), as on Bedrock.
 */
export const converseStreamOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt, origin }) => {
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readJsonBody(request.body);
  const parsed = parseConverseRequest(body, model, 'ConverseStream');
  checkModelAccess(runtime, model, { batch: origin === 'batch' });
  checkChatFeatures(runtime.featureChecks, model, 'ConverseStream', parsed.chat);
  checkContextWindow(model, parsed.chat, 'Converse');
  Object.assign(parsed.response, servedConversePerformance(runtime.foundationModels, model, parsed.response));
  const promptCache = accountPromptCache(runtime, model, parsed.chat, 'Converse');
  const guardrail = openInlineGuardrail(runtime, readConverseGuardrailConfig(body));
  const stream = await startGuardedStream(runtime, parsed.chat, signal, 'ConverseStream', guardrail, () => converseGuardedInput(body));
  const encoder = new ConverseStreamEncoder(model, parsed.response, startedAt, () => guardrail?.converseTrace());
  const framing = {
    operation: 'ConverseStream',
    exceptions: CONVERSE_STREAM_EXCEPTIONS,
    start: () => encoder.start(),
    encode: (event: Parameters<ConverseStreamEncoder['encode']>[0]) => joinFrames(encoder.encode(withPromptCacheEvent(event, promptCache))),
  };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId },
    body: framedStream(stream, framing, runtime),
    cancel: stream.release,
  };
};
