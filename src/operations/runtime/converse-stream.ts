import type { ChatStreamEvent } from '../../chat/types.js';
import { parseConverseRequest } from '../../codecs/converse-request.js';
import { ConverseStreamEncoder } from '../../codecs/converse-stream-encoder.js';
import { streamExceptionFrame } from '../../encoding/error-response.js';
import { BedrockServiceError, toBedrockError } from '../../errors/bedrock-errors.js';
import { describeError } from '../../core/describe-error.js';
import type { LocalBedrockLogger } from '../../core/logger.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';

/** The exception members of ConverseStream's output union. */
const CONVERSE_STREAM_EXCEPTIONS = new Set([
  'InternalServerException',
  'ModelStreamErrorException',
  'ValidationException',
  'ThrottlingException',
  'ServiceUnavailableException',
]);

/**
 * `POST /model/{modelId}/converse-stream`. Errors before the model accepts the request are HTTP errors;
 * after that, an exception frame ends the stream (HTTP status stays 200), as on Bedrock.
 */
export const converseStreamOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt }) => {
  const model = runtime.models.resolve(labels.modelId!);
  const parsed = parseConverseRequest(readJsonBody(request.body), model, 'ConverseStream');
  // The backend gets its own signal so that a reader who goes away (`cancel`) ends the upstream call too.
  const backendAbort = new AbortController();
  const forwardAbort = () => backendAbort.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  const release = () => {
    signal.removeEventListener('abort', forwardAbort);
    if (!backendAbort.signal.aborted) backendAbort.abort(STREAM_RELEASED);
  };
  let events: AsyncIterable<ChatStreamEvent>;
  try {
    events = await runtime.backend.chatStream(parsed.chat, { signal: backendAbort.signal });
  } catch (error) {
    release();
    throw error;
  }
  const encoder = new ConverseStreamEncoder(model, parsed.response, startedAt);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId },
    body: encodeStream(events, encoder, backendAbort.signal, runtime.logger, release),
    cancel: release,
  };
};

/** The abort reason once a stream is over; a constant, because an `AbortError` per stream costs a stack trace. */
const STREAM_RELEASED = Object.freeze({ name: 'StreamReleased', message: 'The stream was released.' });

async function* encodeStream(
  events: AsyncIterable<ChatStreamEvent>,
  encoder: ConverseStreamEncoder,
  backendSignal: AbortSignal,
  logger: LocalBedrockLogger,
  release: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    yield encoder.start();
    let finished = false;
    for await (const event of events) {
      finished ||= event.type === 'finish';
      const frames = encoder.encode(event);
      // Frames of one event travel together; the SDK splits them again.
      if (frames.length === 1) yield frames[0]!;
      else if (frames.length > 1) yield Buffer.concat(frames);
    }
    if (!finished && !backendSignal.aborted) {
      throw new BedrockServiceError('ModelStreamErrorException', 'The model stream ended before the answer was complete.', {
        members: { originalStatusCode: 500, originalMessage: 'stream ended without a finish event' },
      });
    }
  } catch (error) {
    // A reader that went away needs no exception frame; anyone still reading gets one.
    if (backendSignal.aborted) return;
    const bedrockError = toBedrockError(error);
    if (bedrockError !== error) logger.warn(`[local-bedrock] ConverseStream failed unexpectedly: ${describeError(error)}`);
    yield streamExceptionFrame(bedrockError, CONVERSE_STREAM_EXCEPTIONS);
  } finally {
    release();
  }
}
