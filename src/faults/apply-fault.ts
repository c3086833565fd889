import type { LocalHttpResponse } from '../core/http-types.js';
import { DEFAULT_ERROR_MESSAGES } from '../errors/default-messages.js';
import { BedrockServiceError } from '../errors/bedrock-errors.js';
import { exceptionFrame } from '../encoding/event-stream.js';
import type { FaultRule, StreamFaultException } from './fault-rules.js';

/**
 * Carries out a fault rule around an operation: `beforeOperation` waits and fails before any answer,
 * `afterOperation` cuts or drops a streamed answer after N events.
 */

/** The error a reset connection gives Node's HTTP clients; the SDK's retry strategy treats it as transient. */
export function connectionResetError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** The response of a dropped connection: doors turn it into a reset. */
export const DROPPED_RESPONSE: LocalHttpResponse = { statusCode: 0, headers: {}, body: new Uint8Array(), dropped: true };

function wait(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Applies the part of a rule that acts before the operation: the latency, then an exception (thrown as a
 * `BedrockServiceError`) or a dropped connection (returned as `DROPPED_RESPONSE`).
 */
export async function beforeOperation(rule: FaultRule, signal: AbortSignal): Promise<LocalHttpResponse | undefined> {
  if (rule.latencyMs) await wait(rule.latencyMs, signal);
  if (rule.error) {
    throw new BedrockServiceError(rule.error, rule.message ?? DEFAULT_ERROR_MESSAGES[rule.error], {
      headers: rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) },
    });
  }
  if (rule.dropConnection === true) return DROPPED_RESPONSE;
  return undefined;
}

const STREAM_EXCEPTION_NAMES: Record<StreamFaultException, keyof typeof DEFAULT_ERROR_MESSAGES> = {
  internalServerException: 'InternalServerException',
  modelStreamErrorException: 'ModelStreamErrorException',
  validationException: 'ValidationException',
  throttlingException: 'ThrottlingException',
  serviceUnavailableException: 'ServiceUnavailableException',
  modelTimeoutException: 'ModelTimeoutException',
};

/** The event-stream frames in a chunk of whole frames: each starts with its total length (big-endian). */
function* splitFrames(chunk: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let offset = 0;
  while (offset + 4 <= chunk.length) {
    const length = view.getUint32(offset);
    if (length < 16 || offset + length > chunk.length) {
      yield chunk.subarray(offset); // not whole frames: pass the rest as one piece
      return;
    }
    yield chunk.subarray(offset, offset + length);
    offset += length;
  }
  if (offset < chunk.length) yield chunk.subarray(offset);
}

/**
 * Applies the part of a rule that acts on the answer: a streamed body ends after `afterEvents` events with
 * an exception frame (`streamCut`) or a reset (`dropConnection`), and the work behind it is cancelled. A
 * byte body that should be dropped midway is dropped whole.
 */
export function afterOperation(rule: FaultRule, response: LocalHttpResponse): LocalHttpResponse {
  const drop = typeof rule.dropConnection === 'object' ? rule.dropConnection : undefined;
  const cut = rule.streamCut;
  if (!drop && !cut) return response;
  const { body } = response;
  if (body instanceof Uint8Array) return drop ? DROPPED_RESPONSE : response;
  const source = body;
  const afterEvents = (cut ?? drop)!.afterEvents;
  async function* faulty(): AsyncGenerator<Uint8Array> {
    let events = 0;
    const frames = source[Symbol.asyncIterator]();
    try {
      while (events < afterEvents) {
        const next = await frames.next();
        if (next.done) return;
        // A chunk may hold several frames (streams batch their frames); count and pass them one by one.
        for (const frame of splitFrames(next.value)) {
          if (events === afterEvents) break;
          events += 1;
          yield frame;
        }
      }
    } finally {
      response.cancel?.();
      await frames.return?.();
    }
    if (drop) throw connectionResetError();
    const exception = cut!.exception;
    const message = cut!.message ?? DEFAULT_ERROR_MESSAGES[STREAM_EXCEPTION_NAMES[exception]];
    yield exceptionFrame(exception, exception === 'modelStreamErrorException' ? { message, originalStatusCode: 500, originalMessage: message } : { message });
  }
  return { ...response, body: faulty() };
}
