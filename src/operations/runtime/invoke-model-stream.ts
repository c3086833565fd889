import type { ChatStreamEvent } from '../../chat/types.js';
import { chunkFrame } from '../../encoding/event-stream.js';
import { INVOKE_STREAM_EXCEPTIONS } from '../../encoding/error-response.js';
import type { Operation } from '../operation-context.js';
import { framedStream, joinFrames } from './backend-stream.js';
import { invokeGuardedInput } from '../../guardrails/inline/guarded-input.js';
import { startGuardedStream } from './guarded-backend-stream.js';
import { withPromptCacheEvent } from '../../caching/cache-accounting.js';
import { decodeInvokeChat, prepareInvokeCall } from './invoke-call.js';
import { cacheInvocationMetrics } from '../../caching/cache-usage-fields.js';


/**
 * `POST /model/{modelId}/invoke-with-response-stream`: the provider's native chunks, each base64-encoded in
 * a `chunk` event, with `amazon-bedrock-invocationMetrics` in the last one. Only text models stream.
 */
export const invokeModelStreamOperation: Operation = async (context) => {
  const { runtime, signal, requestId, startedAt } = context;
  const call = await prepareInvokeCall(context, true);
  const { model, guardrailConfig, echoed } = call;
  const { codec, chat, promptCache, guardrail } = decodeInvokeChat(context, call);
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
