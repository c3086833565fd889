import { embeddingCodecFor, imageCodecFor } from '../../codecs/invoke/registry.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { unsupportedModelError } from '../../models/unsupported-model.js';
import type { Operation } from '../operation-context.js';
import { embedFunction, generateImageFunction } from './invoke-helpers.js';
import { decodeInvokeChat, prepareInvokeCall } from './invoke-call.js';
import { guardChat } from '../../guardrails/inline/guard-answer.js';
import { invokeGuardedInput } from '../../guardrails/inline/guarded-input.js';
import type { ChatUsage } from '../../chat/types.js';
import { withPromptCacheUsage } from '../../caching/cache-accounting.js';
import { cacheHeaders } from '../../caching/cache-usage-fields.js';

/** The token and latency headers Bedrock adds to every InvokeModel response (not modeled by the SDKs). */
function usageHeaders(inputTokens: number, outputTokens: number, startedAt: number, cache: Pick<ChatUsage, 'cacheReadInputTokens' | 'cacheWriteInputTokens'> = {}): Record<string, string> {
  return {
    'x-amzn-bedrock-input-token-count': String(inputTokens),
    'x-amzn-bedrock-output-token-count': String(outputTokens),
    // Zeros when nothing was read from or written to the prompt cache, as Bedrock sends them.
    ...cacheHeaders(cache),
    'x-amzn-bedrock-invocation-latency': String(Math.round(performance.now() - startedAt)),
  };
}

/** `POST /model/{modelId}/invoke`: the provider's native body in, its native response out. */
export const invokeModelOperation: Operation = async (context) => {
  const { runtime, signal, requestId, startedAt } = context;
  const call = await prepareInvokeCall(context, false);
  const { model, body, guardrailConfig, echoed } = call;
  switch (model.kind) {
    case 'chat': {
      const { codec, chat, promptCache, guardrail } = decodeInvokeChat(context, call);
      const generate = () => runtime.backend.chat(chat, { signal, operation: 'InvokeModel' });
      const answer = guardrail ? await guardChat(guardrail, invokeGuardedInput(chat, guardrailConfig?.tagSuffix), generate) : await generate();
      const usage = withPromptCacheUsage(answer.usage, promptCache);
      const native = codec.encode({ ...answer, usage }, { model, request: chat, requestId });
      if (guardrail) Object.assign(native, guardrail.invokeResponseFields());
      return jsonResponse(native, requestId, { ...usageHeaders(usage.inputTokens, usage.outputTokens, startedAt, usage), ...echoed });
    }
    case 'embedding': {
      const result = await embeddingCodecFor(model).invoke(body, model, embedFunction(runtime, model, signal));
      return jsonResponse(result.body, requestId, { ...usageHeaders(result.inputTokens, 0, startedAt), ...echoed });
    }
    case 'image': {
      const result = await imageCodecFor(model).invoke(body, model, generateImageFunction(runtime, model, signal));
      return jsonResponse(result.body, requestId, { ...usageHeaders(0, 0, startedAt), ...echoed });
    }
    default:
      throw unsupportedModelError(model);
  }
};
