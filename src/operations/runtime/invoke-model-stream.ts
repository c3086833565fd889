import type { ChatStreamEvent } from '../../chat/types.js';
import { chatCodecFor } from '../../codecs/invoke/registry.js';
import { chunkFrame } from '../../encoding/event-stream.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { INVOKE_STREAM_EXCEPTIONS } from '../../encoding/error-response.js';
import type { Operation } from '../operation-context.js';
import { framedStream, joinFrames } from './backend-stream.js';
import { checkAccept, echoedHeaders, readNativeBody } from './invoke-helpers.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import { checkContextWindow } from './context-window.js';
import { checkModelAccess } from '../../models/feature-checks.js';
import { invokeGuardedInput } from '../../guardrails/inline/guarded-input.js';
import { readInvokeGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import { startGuardedStream } from './guarded-backend-stream.js';
import { accountPromptCache, withPromptCacheEvent } from '../../caching/cache-accounting.js';
import { cacheInvocationMetrics } from '../../caching/cache-usage-fields.js';


/**
 * `POST /model/{modelId}/invoke-with-response-stream`: the provider's native chunks, each base64-encoded in
 * a `chunk` event, with `amazon-bedrock-invocationMetrics` in the last one. Only text models stream.
 */
export const invokeModelStreamOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt, origin }) => {
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readNativeBody(request);
  checkAccept(request.headers['x-amzn-bedrock-accept']);
  // Read (and removed from the body) before the family codec sees it.
  const guardrailConfig = readInvokeGuardrailConfig(request.headers, body, true);
  if (model.kind !== 'chat') throw validationError('The model is unsupported for streaming.');
  const echoed = echoedHeaders(request.headers, runtime, model);
  checkModelAccess(runtime, model, { batch: origin === 'batch' });
  const codec = chatCodecFor(model, body);
  const chat = codec.decode(body, model);
  checkContextWindow(model, chat, 'InvokeModel');
  const promptCache = accountPromptCache(runtime, model, chat, 'InvokeModel');
  const guardrail = openInlineGuardrail(runtime, guardrailConfig);
  const guardedInput = () => invokeGuardedInput(chat, guardrailConfig?.tagSuffix);
  const stream = await startGuardedStream(runtime, chat, signal, 'InvokeModelWithResponseStream', guardrail, guardedInput);
  const streamEncoder = codec.streamEncoder({ model, request: chat, requestId, promptCache });
  let firstByteLatency: number | undefined;
  const encode = (backendEvent: ChatStreamEvent) => {
    const event = withPromptCacheEvent(backendEvent, promptCache);
    const chunks = streamEncoder.encode(event);
    const last = chunks.at(-1);
    if (event.type === 'finish' && last) {
      const latency = Math.round(performance.now() - startedAt);
      last['amazon-bedrock-invocationMetrics'] = {
        inputTokenCount: event.usage.inputTokens,
        outputTokenCount: event.usage.outputTokens,
        ...cacheInvocationMetrics(event.usage),
        invocationLatency: latency,
        firstByteLatency: firstByteLatency ?? latency,
      };
      if (guardrail) Object.assign(last, guardrail.invokeResponseFields());
    }
    if (chunks.length > 0) firstByteLatency ??= Math.round(performance.now() - startedAt);
    return joinFrames(chunks.map((chunk) => chunkFrame(JSON.stringify(chunk))));
  };
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-content-type': 'application/json',
      'x-amzn-requestid': requestId,
      ...echoed,
    },
    body: framedStream(stream, { operation: 'InvokeModelWithResponseStream', exceptions: INVOKE_STREAM_EXCEPTIONS, encode }, runtime),
    cancel: stream.release,
  };
};
