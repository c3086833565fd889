import type { BedrockErrorName } from '../errors/bedrock-errors.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { FaultRule, StreamFaultException } from '../faults/fault-rules.js';
import type { ModelQuota, QuotaLimiter } from '../quotas/quota-limiter.js';
import type { OperationName } from '../router/routes.js';
import type { StreamingOperation } from './calls.js';

/**
 * Fault injection that reads as a sentence — `bedrock.fail('Converse', { error: 'ThrottlingException',
 * times: 2 })` — over the runtime's fault rules. Unlike `bedrock.on(…).fail(…)`, which scripts what the
 * scripted backend answers, these act in front of the operation: they work with every backend, reach every
 * operation (control plane included), and can cut streams or drop connections.
 */

/**
 * Which calls a fault hits; every field is optional and every given one must match.
 *
 * @example
 * const target: FaultTarget = { modelId: 'anthropic.*', calls: [2, 3] };
 */
export interface FaultTarget {
  /** The model id as sent (base id, profile id or ARN); a trailing `*` matches a prefix. Default: any. */
  modelId?: string;
  /** The 1-based numbers of the matching calls to hit (`[2]`: only the second). Default: every matching call. */
  calls?: readonly number[];
  /** How many calls to hit at most; then the fault is spent. Default: no limit. */
  times?: number;
  /** The chance (0..1) that a matching call is hit, rolled from the runtime's seeded dice (`faultSeed`). */
  probability?: number;
}

/**
 * An exception answered instead of the operation.
 *
 * @example
 * const fault: FailFault = { error: 'ThrottlingException', retryAfterSeconds: 2, times: 1 };
 */
export interface FailFault extends FaultTarget {
  /** The Bedrock exception (HTTP status and `x-amzn-errortype` as the service sends them). */
  error: BedrockErrorName;
  /** Its message. Default: the service's usual text for it. */
  message?: string;
  /** Sends `retry-after` (seconds) with it. */
  retryAfterSeconds?: number;
  /** Waits this long before failing. */
  latencyMs?: number;
}

/**
 * A streamed answer ended after `afterEvents` events by an exception frame.
 *
 * @example
 * const fault: StreamCutFault = { afterEvents: 3, exception: 'throttlingException', times: 1 };
 */
export interface StreamCutFault extends FaultTarget {
  /** How many events the client receives before the exception frame (0: none). */
  afterEvents: number;
  /** The exception frame, named as in the stream's union. Default: `modelStreamErrorException`. */
  exception?: StreamFaultException;
  /** Its message. Default: the service's usual text for it. */
  message?: string;
}

/**
 * How a dropped connection hits: before any answer, or — for streaming operations only — after
 * `afterEvents` events of the stream.
 *
 * @example
 * const fault: DropConnectionFault<'ConverseStream'> = { afterEvents: 2, times: 1 };
 */
export type DropConnectionFault<O extends OperationName> = [Exclude<O, StreamingOperation>] extends [never]
  ? FaultTarget & { /** Resets the connection after this many stream events instead of before the answer. */ afterEvents?: number }
  : FaultTarget;

/**
 * A slow answer: the call waits before the operation runs (and can be aborted meanwhile).
 *
 * @example
 * const fault: DelayFault = { latencyMs: 30_000, times: 1 };
 */
export interface DelayFault extends FaultTarget {
  latencyMs: number;
}

/**
 * Removes the fault it was returned for (it is also gone after `bedrock.reset()` and at the end of the test).
 *
 * @example
 * const heal = bedrock.fail('Converse', 'ServiceUnavailableException');
 * heal();
 */
export type RemoveFault = () => void;

/**
 * The fault and quota methods of the `bedrock` fixture. Operations are named as the SDK names its commands
 * (`'Converse'` for `ConverseCommand`), alone or in a list; faults added later are tried first.
 *
 * @example
 * bedrock.fail('Converse', { error: 'ThrottlingException', times: 2 });
 * bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'throttlingException' });
 * bedrock.quotas({ 'anthropic.*': { requestsPerMinute: 1 } });
 */
export interface FaultScripting {
  /**
   * Answers matching calls with a Bedrock exception instead of running the operation. The fixture's clients
   * retry throttling and 5xx exceptions at once, so `times: 2` costs a `send()` two extra attempts.
   *
   * @example
   * bedrock.fail('Converse', { error: 'ThrottlingException', times: 2 });
   * bedrock.fail(['InvokeModel', 'Converse'], 'ServiceUnavailableException');
   * bedrock.fail('ListFoundationModels', { error: 'AccessDeniedException', message: 'No access.' });
   */
  fail<O extends OperationName>(operation: O | readonly O[], fault: BedrockErrorName | FailFault): RemoveFault;
  /**
   * Ends matching streams after `afterEvents` events with an exception frame; the SDK throws it, typed,
   * from the stream's iterator (the SDK does not retry a stream that has started).
   *
   * @example
   * bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'throttlingException', times: 1 });
   */
  cutStream<O extends StreamingOperation>(operation: O | readonly O[], fault: StreamCutFault): RemoveFault;
  /**
   * Resets the connection of matching calls, as a network failure does: before the answer (the SDK retries
   * it as a transient error), or after `afterEvents` stream events.
   *
   * @example
   * bedrock.dropConnection('Converse', { times: 1 });
   * bedrock.dropConnection('ConverseStream', { afterEvents: 2 });
   */
  dropConnection<O extends OperationName>(operation: O | readonly O[], fault?: DropConnectionFault<O>): RemoveFault;
  /**
   * Delays matching calls by `latencyMs` before the operation runs, e.g. to test a timeout or an abort.
   *
   * @example
   * bedrock.delay('Converse', { latencyMs: 60_000 });
   * await expect(client.send(command, { abortSignal: AbortSignal.timeout(10) })).rejects.toMatchObject({ name: 'AbortError' });
   */
  delay<O extends OperationName>(operation: O | readonly O[], fault: DelayFault): RemoveFault;
  /**
   * Sets on-demand quotas by model id or `prefix*` (requests and tokens per minute, tokens per day), added to
   * those already set; `undefined` removes one. Calls over a quota get `ThrottlingException` with
   * `retry-after`; the window follows the runtime's clock (`createManualClock` to move it).
   *
   * @example
   * bedrock.quotas({ 'anthropic.*': { requestsPerMinute: 2, tokensPerMinute: 10_000 } });
   */
  quotas(table: Readonly<Record<string, ModelQuota | undefined>>): void;
}

/**
 * Creates the fault and quota methods over a runtime's fault injector and quota limiter; the fixture
 * mixes them into `bedrock`.
 *
 * @example
 * const scripting = createFaultScripting(runtime);
 * scripting.fail('Converse', 'ThrottlingException');
 */
export function createFaultScripting(runtime: { readonly faults: FaultInjector; readonly quotas: QuotaLimiter }): FaultScripting {
  const add = (operation: OperationName | readonly OperationName[], target: FaultTarget, fault: Omit<FaultRule, keyof FaultTarget | 'operation'>): RemoveFault => {
    // Only the fields given: a rule listed by `runtime.faults.rules` (or the server's admin endpoint) shows what was asked for.
    const rule: FaultRule = { operation, ...pickTarget(target), ...fault };
    return runtime.faults.add(rule);
  };
  return {
    fail(operation, fault) {
      const { error, message, retryAfterSeconds, latencyMs, ...target } = typeof fault === 'string' ? { error: fault } : fault;
      return add(operation, target, defined({ error, message, retryAfterSeconds, latencyMs }));
    },
    cutStream(operation, fault) {
      const { afterEvents, exception = 'modelStreamErrorException', message, ...target } = fault;
      return add(operation, target, { streamCut: defined({ afterEvents, exception, message }) });
    },
    dropConnection(operation, fault = {}) {
      const { afterEvents, ...target } = fault as FaultTarget & { afterEvents?: number };
      return add(operation, target, { dropConnection: afterEvents === undefined ? true : { afterEvents } });
    },
    delay(operation, fault) {
      const { latencyMs, ...target } = fault;
      return add(operation, target, { latencyMs });
    },
    quotas(table) {
      for (const [pattern, quota] of Object.entries(table)) runtime.quotas.set(pattern, quota);
    },
  };
}

function pickTarget(target: FaultTarget): FaultTarget {
  const { modelId, calls, times, probability } = target;
  return defined({ modelId, calls, times, probability });
}

/** The object without its `undefined` members. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
