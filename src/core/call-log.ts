import type { OperationName } from '../router/routes.js';
import { decodeFrames } from '../encoding/event-stream-decoder.js';
import type { LocalHttpRequest, LocalHttpResponse } from './http-types.js';

/**
 * What a runtime remembers of each request it answered: for test assertions (the vitest fixture's
 * matchers) and request logs. Streamed answers are recorded as their frames pass and decoded only when
 * read, so logging costs next to nothing on the hot path.
 */

/** One answered request. */
export interface RecordedCall {
  /** The operation the path named; `undefined` for a path no operation lives at. */
  readonly operation: OperationName | undefined;
  /** The model id from the path (percent-decoded), when the operation has one. */
  readonly modelId: string | undefined;
  /** The HTTP request as it arrived: method, raw path, lower-case headers, body bytes. */
  readonly http: LocalHttpRequest;
  /** The request body parsed as JSON (`undefined` when it is not JSON). */
  readonly input: unknown;
  /** The response status. */
  readonly statusCode: number;
  /** The response headers. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The response body parsed as JSON; for a stream, the payloads of its events once the stream has ended
   * (each `{ type, payload }`, where `type` is the event or exception type).
   */
  readonly output: unknown;
  /** The error answered with, if the call failed (before or during a stream). */
  readonly error: { name: string; message: string } | undefined;
  /** Whether a streamed answer has ended (always `true` for other answers). */
  readonly complete: boolean;
}

/**
 * The calls a runtime answered, oldest first, bounded so a long-lived server does not grow without end.
 *
 * @example
 * const runtime = createRuntime();
 * // … send requests through a client wired to `runtime` …
 * const [first] = runtime.callLog.calls;
 * first?.operation; // 'Converse'
 */
export class CallLog {
  private readonly entries: RecordedCall[] = [];
  private readonly listeners = new Set<(call: RecordedCall) => void>();

  constructor(private readonly capacity = 1000) {}

  /** Every recorded call (the last `capacity`), oldest first. */
  get calls(): readonly RecordedCall[] {
    return this.entries.length > this.capacity ? this.entries.slice(-this.capacity) : this.entries;
  }

  /** Forgets every recorded call. */
  clear(): void {
    this.entries.length = 0;
  }

  /** Calls `listener` with each call once its answer is complete; returns a function that stops it. */
  subscribe(listener: (call: RecordedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a call and, for a streamed answer, wraps its body so the frames are kept as they pass. */
  record(operation: OperationName | undefined, modelId: string | undefined, request: LocalHttpRequest, response: LocalHttpResponse): LocalHttpResponse {
    // Bodies are parsed only when a call is read: most calls are never looked at, and parsing every
    // request and response would cost each call more than answering it does.
    let input: { value: unknown } | undefined;
    const readInput = () => (input ??= { value: parseJson(request.body) }).value;
    const errorName = response.headers['x-amzn-errortype']?.split(':')[0];
    if (response.body instanceof Uint8Array) {
      const body = response.body;
      let output: { value: unknown } | undefined;
      const readOutput = () => (output ??= { value: parseJson(body) }).value;
      this.add({
        operation,
        modelId,
        http: request,
        statusCode: response.statusCode,
        headers: response.headers,
        complete: true,
        get input() {
          return readInput();
        },
        get output() {
          return readOutput();
        },
        get error() {
          return errorName ? { name: errorName, message: String((readOutput() as { message?: unknown } | undefined)?.message ?? '') } : undefined;
        },
      });
      return response;
    }
    const frames: Uint8Array[] = [];
    let complete = false;
    let decoded: { output: unknown; error: RecordedCall['error'] } | undefined;
    const decode = () => {
      if (!complete) return { output: undefined, error: undefined };
      decoded ??= decodeStream(frames);
      return decoded;
    };
    const call: RecordedCall = {
      operation,
      modelId,
      http: request,
      statusCode: response.statusCode,
      headers: response.headers,
      get input() {
        return readInput();
      },
      get output() {
        return decode().output;
      },
      get error() {
        return decode().error;
      },
      get complete() {
        return complete;
      },
    };
    this.add(call, false);
    const source = response.body;
    const finish = () => {
      if (complete) return;
      complete = true;
      this.notify(call);
    };
    async function* recorded(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of source) {
          frames.push(chunk);
          yield chunk;
        }
      } finally {
        finish();
      }
    }
    return { ...response, body: recorded() };
  }

  private add(call: RecordedCall, notify = true): void {
    // Trimmed in halves, not one by one, so a long-lived server pays O(1) per call on average.
    if (this.entries.length >= 2 * this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.entries.push(call);
    if (notify) this.notify(call);
  }

  private notify(call: RecordedCall): void {
    for (const listener of this.listeners) listener(call);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function decodeStream(chunks: readonly Uint8Array[]): { output: unknown; error: RecordedCall['error'] } {
  let error: RecordedCall['error'];
  const output = decodeFrames(chunks).map(({ headers, payload }) => {
    const exceptionType = headers[':exception-type'];
    if (exceptionType) error = { name: exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1), message: String((payload as { message?: unknown }).message ?? '') };
    return { type: exceptionType ?? headers[':event-type'] ?? '', payload };
  });
  return { output, error };
}
