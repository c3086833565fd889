import { withPromptCacheEvent } from '../../caching/cache-accounting.js';
import { ConverseStreamEncoder } from '../../codecs/converse-stream-encoder.js';
import { CONVERSE_STREAM_EXCEPTIONS } from '../../encoding/error-response.js';
import { converseGuardedInput } from '../../guardrails/inline/guarded-input.js';
import type { Operation } from '../operation-context.js';
import { framedStream, joinFrames } from './backend-stream.js';
import { prepareConverseCall } from './converse-call.js';
import { startGuardedStream } from './guarded-backend-stream.js';

/**
 * `POST /model/{modelId}/converse-stream`. Errors before the model accepts the request are HTTP errors;
 * after that, an exception frame ends the stream (HTTP status stays 200), as on Bedrock.
 */
export const converseStreamOperation: Operation = async (context) => {
  const { runtime, signal, requestId, startedAt } = context;
  const { model, body, parsed, promptCache, guardrail } = await prepareConverseCall(context, 'ConverseStream');
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
