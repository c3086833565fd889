import type { Operation } from '../../operation-context.js';
import { SonicSession } from './sonic-session.js';

/**
 * `POST /model/{modelId}/invoke-with-bidirectional-stream`: a Nova Sonic session. The answer starts at once
 * (HTTP 200, an event stream) and runs alongside the client's input; every failure — wrong model, wrong event
 * order, a backend error — arrives as an exception frame once the client has finished sending, because ending
 * the answer earlier would crash a JS SDK client.
 *
 * @example
 * // Registered in the core's operation table:
 * const OPERATIONS = { InvokeModelWithBidirectionalStream: bidirectionalStreamOperation };
 */
export const bidirectionalStreamOperation: Operation = async ({ runtime, request, labels, signal, requestId }) => {
  // A door that read the body whole (or a hand-built request) hands it over as bytes: the same frames.
  const input = request.bodyStream ?? oneChunk(request.body);
  const session = new SonicSession(runtime, labels.modelId!, input, signal);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId },
    body: session.output(),
    cancel: () => session.cancel(),
  };
};

async function* oneChunk(body: Uint8Array): AsyncGenerator<Uint8Array> {
  if (body.length > 0) yield body;
}
