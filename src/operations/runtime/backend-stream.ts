import type { ChatRequest, ChatStreamEvent } from '../../chat/types.js';
import { describeError } from '../../core/describe-error.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import type { OperationName } from '../../router/routes.js';
import { streamExceptionFrame } from '../../encoding/error-response.js';
import { BedrockServiceError, toBedrockError } from '../../errors/bedrock-errors.js';

/**
 * What the two streaming operations share: starting the backend's stream with its own abort signal, and
 * turning its events into frames until the stream finishes, fails (an exception frame) or its reader goes
 * away (the backend call is ended).
 */

/** The abort reason once a stream is over; a constant, because an `AbortError` per stream costs a stack trace. */
const STREAM_RELEASED = Object.freeze({ name: 'StreamReleased', message: 'The stream was released.' });

/** A started backend stream. */
export interface BackendStream {
  events: AsyncIterable<ChatStreamEvent>;
  /** Aborted when the caller aborts or the stream is released. */
  signal: AbortSignal;
  /** Ends the backend call (idempotent); the response's `cancel`. */
  release: () => void;
}

/** Starts the backend's stream. Errors before the model accepts the request are thrown (HTTP errors). */
export async function startBackendStream(
  runtime: LocalBedrockRuntime,
  request: ChatRequest,
  callerSignal: AbortSignal,
  operation: OperationName,
): Promise<BackendStream> {
  const backendAbort = new AbortController();
  const forwardAbort = () => backendAbort.abort(callerSignal.reason);
  callerSignal.addEventListener('abort', forwardAbort, { once: true });
  const release = () => {
    callerSignal.removeEventListener('abort', forwardAbort);
    if (!backendAbort.signal.aborted) backendAbort.abort(STREAM_RELEASED);
  };
  try {
    const events = await runtime.backend.chatStream(request, { signal: backendAbort.signal, operation });
    return { events, signal: backendAbort.signal, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** How one operation frames its stream. */
export interface StreamFraming {
  /** Names the operation in warnings. */
  operation: string;
  /** The exception members the operation's output union has. */
  exceptions: ReadonlySet<string>;
  /** Frames sent before any event (e.g. `messageStart`). */
  start?: () => Uint8Array;
  /** The frames of one event, joined into one chunk; `undefined` when the event produces none. */
  encode: (event: ChatStreamEvent) => Uint8Array | undefined;
}

/** The response body of a streaming operation. */
export async function* framedStream(stream: BackendStream, framing: StreamFraming, runtime: LocalBedrockRuntime): AsyncGenerator<Uint8Array> {
  try {
    if (framing.start) yield framing.start();
    let finished = false;
    for await (const event of stream.events) {
      finished ||= event.type === 'finish';
      const chunk = framing.encode(event);
      if (chunk) yield chunk;
    }
    if (!finished && !stream.signal.aborted) {
      throw new BedrockServiceError('ModelStreamErrorException', 'The model stream ended before the answer was complete.', {
        members: { originalStatusCode: 500, originalMessage: 'stream ended without a finish event' },
      });
    }
  } catch (error) {
    // A reader that went away needs no exception frame; anyone still reading gets one.
    if (stream.signal.aborted) return;
    const bedrockError = toBedrockError(error);
    if (bedrockError !== error) runtime.logger.warn(`[local-bedrock] ${framing.operation} failed unexpectedly: ${describeError(error)}`);
    yield streamExceptionFrame(bedrockError, framing.exceptions);
  } finally {
    stream.release();
  }
}

/** Several frames as one chunk: the SDK splits them again, and fewer chunks cost less. */
export function joinFrames(frames: readonly Uint8Array[]): Uint8Array | undefined {
  if (frames.length === 0) return undefined;
  return frames.length === 1 ? frames[0]! : Buffer.concat(frames);
}
