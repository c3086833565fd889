import type { MatcherState } from 'vitest';
import type { RecordedCall } from '../core/call-log.js';
import { isRuntime } from '../core/runtime.js';
import type { OperationName } from '../router/routes.js';
import { describeCall, promptOf, systemOf, type JsonObject, type RecordedRequestBodies } from './calls.js';

/**
 * Vitest matchers over a runtime's call log, in the style of `aws-sdk-client-mock-vitest`:
 * `expect(bedrock).toHaveConversedWith({ prompt: /weather/ })`. Failure messages list every call received.
 */

/**
 * A value as a request body carries it, any part of it optional: objects match as subsets (like
 * `toMatchObject`), arrays element by element, and bytes are the base64 strings of the wire. Asymmetric
 * matchers (`expect.any(String)`, `expect.stringContaining(…)`) fit anywhere.
 *
 * @example
 * const partial: DeepPartial<RecordedRequestBodies['Converse']> = { inferenceConfig: { maxTokens: 100 } };
 */
export type DeepPartial<T> = T extends Uint8Array
  ? string
  : T extends readonly (infer Item)[]
    ? DeepPartial<Item>[]
    : T extends object
      ? { [Key in keyof T]?: DeepPartial<T[Key]> }
      : T;

/**
 * What a recorded call must show to match; every given field must match.
 *
 * @example
 * const expected: CallExpectation<RecordedRequestBodies['Converse']> = { modelId: /claude/, prompt: 'weather', input: { inferenceConfig: { maxTokens: 100 } } };
 */
export interface CallExpectation<Body = unknown> {
  /** The model id exactly as the caller sent it (a profile id stays a profile id), or a pattern for it. */
  modelId?: string | RegExp;
  /** The text of the last user message (or the body's `prompt`); a string matches as a substring. */
  prompt?: string | RegExp;
  /** The system prompt; a string matches as a substring. */
  system?: string | RegExp;
  /** Part of the decoded request body. */
  input?: DeepPartial<Body>;
}

/**
 * What a Converse or ConverseStream call must show to match.
 *
 * @example
 * expect(bedrock).toHaveConversedWith({ stream: true, input: { toolConfig: { toolChoice: { any: {} } } } });
 */
export interface ConverseExpectation extends CallExpectation<RecordedRequestBodies['Converse']> {
  /** `true` for ConverseStream only, `false` for Converse only. */
  stream?: boolean;
}

/**
 * What an InvokeModel or InvokeModelWithResponseStream call must show to match; `input` is part of the
 * model's native JSON body.
 *
 * @example
 * expect(bedrock).toHaveInvokedWith({ modelId: /llama/, input: { max_gen_len: 100 } });
 */
export interface InvokeExpectation extends CallExpectation<JsonObject> {
  /** `true` for InvokeModelWithResponseStream only, `false` for InvokeModel only. */
  stream?: boolean;
}

/**
 * The matchers `local-bedrock/vitest` adds to `expect`. Each takes the `bedrock` fixture (or a runtime).
 *
 * @example
 * expect(bedrock).toHaveConversedTimes(2);
 * expect(bedrock).not.toHaveInvoked();
 */
export interface LocalBedrockMatchers {
  /**
   * At least one Converse or ConverseStream call.
   *
   * @example
   * expect(bedrock).toHaveConversed();
   */
  toHaveConversed(): void;
  /**
   * Exactly `times` Converse or ConverseStream calls (each SDK retry is a call).
   *
   * @example
   * expect(bedrock).toHaveConversedTimes(3);
   */
  toHaveConversedTimes(times: number): void;
  /**
   * At least one Converse or ConverseStream call matching `expected`.
   *
   * @example
   * expect(bedrock).toHaveConversedWith({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', prompt: /weather/ });
   */
  toHaveConversedWith(expected: ConverseExpectation): void;
  /**
   * The `nth` (from 1) Converse or ConverseStream call matches `expected`.
   *
   * @example
   * expect(bedrock).toHaveNthConversedWith(2, { prompt: 'tool result' });
   */
  toHaveNthConversedWith(nth: number, expected: ConverseExpectation): void;
  /**
   * The last Converse or ConverseStream call matches `expected`.
   *
   * @example
   * expect(bedrock).toHaveLastConversedWith({ system: 'Be brief' });
   */
  toHaveLastConversedWith(expected: ConverseExpectation): void;
  /**
   * At least one InvokeModel or InvokeModelWithResponseStream call.
   *
   * @example
   * expect(bedrock).toHaveInvoked();
   */
  toHaveInvoked(): void;
  /**
   * Exactly `times` InvokeModel or InvokeModelWithResponseStream calls.
   *
   * @example
   * expect(bedrock).toHaveInvokedTimes(1);
   */
  toHaveInvokedTimes(times: number): void;
  /**
   * At least one InvokeModel or InvokeModelWithResponseStream call matching `expected`.
   *
   * @example
   * expect(bedrock).toHaveInvokedWith({ modelId: /titan-embed/, input: { inputText: 'hello' } });
   */
  toHaveInvokedWith(expected: InvokeExpectation): void;
  /**
   * The `nth` (from 1) InvokeModel or InvokeModelWithResponseStream call matches `expected`.
   *
   * @example
   * expect(bedrock).toHaveNthInvokedWith(1, { stream: true });
   */
  toHaveNthInvokedWith(nth: number, expected: InvokeExpectation): void;
  /**
   * The last InvokeModel or InvokeModelWithResponseStream call matches `expected`.
   *
   * @example
   * expect(bedrock).toHaveLastInvokedWith({ prompt: 'Hi' });
   */
  toHaveLastInvokedWith(expected: InvokeExpectation): void;
  /**
   * At least one call of any operation with this model id, exactly as sent (or matching the pattern).
   *
   * @example
   * expect(bedrock).toHaveBeenCalledWithModel('us.anthropic.claude-3-5-haiku-20241022-v1:0');
   */
  toHaveBeenCalledWithModel(modelId: string | RegExp): void;
  /**
   * At least one call of `operation`, matching `expected` when given; `input` is typed for the operation.
   *
   * @example
   * expect(bedrock).toHaveReceivedCall('ConverseStream', { input: { inferenceConfig: { temperature: 0 } } });
   */
  toHaveReceivedCall<O extends OperationName>(operation: O, expected?: CallExpectation<O extends keyof RecordedRequestBodies ? RecordedRequestBodies[O] : unknown>): void;
  /**
   * Exactly `times` calls of `operation`.
   *
   * @example
   * expect(bedrock).toHaveReceivedCallTimes('InvokeModelWithResponseStream', 0);
   */
  toHaveReceivedCallTimes(operation: OperationName, times: number): void;
}

/** What a matcher returns to vitest. */
interface MatcherOutcome {
  pass: boolean;
  message: () => string;
}

/** A kind of call a matcher looks for: which operations (every one when absent), and how a message names one. */
interface CallKind {
  operations?: readonly OperationName[];
  noun: string;
  streaming?: OperationName;
}

function isOfKind(call: RecordedCall, kind: CallKind): boolean {
  return kind.operations === undefined || (call.operation !== undefined && kind.operations.includes(call.operation));
}

const CONVERSE: CallKind = { operations: ['Converse', 'ConverseStream'], noun: 'Converse or ConverseStream call', streaming: 'ConverseStream' };
const INVOKE: CallKind = { operations: ['InvokeModel', 'InvokeModelWithResponseStream'], noun: 'InvokeModel or InvokeModelWithResponseStream call', streaming: 'InvokeModelWithResponseStream' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function callsOf(received: unknown, matcher: string): readonly RecordedCall[] {
  const runtime = isRuntime(received) ? received : isObject(received) && isRuntime(received.runtime) ? received.runtime : undefined;
  if (!runtime) throw new TypeError(`[local-bedrock] ${matcher}() expects the \`bedrock\` fixture or a local-bedrock runtime, got ${received === null ? 'null' : typeof received}.`);
  return runtime.callLog.calls;
}

function matchesText(pattern: string | RegExp, text: string): boolean {
  // `search` ignores `lastIndex`, so a /g pattern gives the same answer every time.
  return typeof pattern === 'string' ? text.includes(pattern) : text.search(pattern) !== -1;
}

function matchesExpectation(state: MatcherState, call: RecordedCall, expected: CallExpectation & { stream?: boolean }, kind?: CallKind): boolean {
  if (expected.stream !== undefined && kind?.streaming !== undefined && (call.operation === kind.streaming) !== expected.stream) return false;
  if (expected.modelId !== undefined && (call.modelId === undefined || !(typeof expected.modelId === 'string' ? call.modelId === expected.modelId : matchesText(expected.modelId, call.modelId)))) return false;
  if (expected.prompt !== undefined && !matchesText(expected.prompt, promptOf(call.input))) return false;
  if (expected.system !== undefined && !matchesText(expected.system, systemOf(call.input))) return false;
  // `toMatchObject`'s comparison: objects as subsets, arrays element by element, asymmetric matchers honoured.
  return expected.input === undefined || state.equals(call.input, expected.input, [...state.customTesters, state.utils.iterableEquality, state.utils.subsetEquality]);
}

function printExpected(state: MatcherState, expected: object): string {
  return state.utils.stringify(expected, undefined, { min: true });
}

/** The calls received, one numbered line each; with `state`, their inputs too (for expectations about inputs). */
function listCalls(calls: readonly RecordedCall[], state?: MatcherState): string {
  if (calls.length === 0) return 'It received no calls.';
  const lines = calls.map((call, index) => {
    const line = `  ${index + 1}. ${describeCall(call)}`;
    return state ? `${line}\n       input: ${state.utils.stringify(call.input, undefined, { min: true, maxLength: 400 })}` : line;
  });
  return `It received ${calls.length} call${calls.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function assertCount(times: unknown, matcher: string): void {
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) throw new TypeError(`[local-bedrock] ${matcher}() expects a whole number of calls, got ${String(times)}.`);
}

/** Some call of `kind` (matching `expected`, when given). */
function someCall(state: MatcherState, received: unknown, matcher: string, kind: CallKind, expected?: CallExpectation & { stream?: boolean }): MatcherOutcome {
  const calls = callsOf(received, matcher);
  const matching = calls.flatMap((call, index) => (isOfKind(call, kind) && (!expected || matchesExpectation(state, call, expected, kind)) ? [index + 1] : []));
  const pass = matching.length > 0;
  const wanted = `${/^[aeiou]/i.test(kind.noun) ? 'an' : 'a'} ${kind.noun}${expected ? ` matching ${printExpected(state, expected)}` : ''}`;
  return {
    pass,
    message: () =>
      pass
        ? `expected bedrock not to have received ${wanted}, but call${matching.length === 1 ? '' : 's'} ${matching.join(', ')} did.\n${listCalls(calls)}`
        : `expected bedrock to have received ${wanted}.\n${listCalls(calls, expected?.input !== undefined ? state : undefined)}`,
  };
}

/** Exactly `times` calls of `kind`. */
function callCount(received: unknown, matcher: string, kind: CallKind, times: number): MatcherOutcome {
  assertCount(times, matcher);
  const calls = callsOf(received, matcher);
  const count = calls.filter((call) => isOfKind(call, kind)).length;
  const pass = count === times;
  return {
    pass,
    message: () => `expected bedrock ${pass ? 'not ' : ''}to have received ${times} ${kind.noun}${times === 1 ? '' : 's'}, and it received ${count}.\n${listCalls(calls)}`,
  };
}

/** The `nth` call of `kind` (`'last'` for the last) matches `expected`. */
function nthCall(state: MatcherState, received: unknown, matcher: string, kind: CallKind, nth: number | 'last', expected: CallExpectation & { stream?: boolean }): MatcherOutcome {
  if (nth !== 'last' && !(Number.isInteger(nth) && nth >= 1)) throw new TypeError(`[local-bedrock] ${matcher}() counts calls from 1, got ${String(nth)}.`);
  const calls = callsOf(received, matcher);
  const ofKind = calls.filter((call) => isOfKind(call, kind));
  const call = nth === 'last' ? ofKind.at(-1) : ofKind[nth - 1];
  const pass = call !== undefined && matchesExpectation(state, call, expected, kind);
  const which = nth === 'last' ? `the last ${kind.noun}` : `the ${ordinal(nth)} ${kind.noun}`;
  const found = call === undefined ? `there ${ofKind.length === 1 ? 'was' : 'were'} ${ofKind.length} ${kind.noun}${ofKind.length === 1 ? '' : 's'}` : `it was call ${calls.indexOf(call) + 1}`;
  return {
    pass,
    message: () => `expected ${which} ${pass ? 'not ' : ''}to match ${printExpected(state, expected)}, and ${found}.\n${listCalls(calls, expected.input !== undefined ? state : undefined)}`,
  };
}

/**
 * The matchers as an object for `expect.extend`. Importing `local-bedrock/vitest` registers them on vitest's
 * `expect`; register them yourself on another one (e.g. from `createExpect`).
 *
 * @example
 * import { expect } from 'vitest';
 * import { localBedrockMatchers } from 'local-bedrock/vitest';
 * expect.extend(localBedrockMatchers);
 */
export const localBedrockMatchers = {
  toHaveConversed(this: MatcherState, received: unknown) {
    return someCall(this, received, 'toHaveConversed', CONVERSE);
  },
  toHaveConversedTimes(this: MatcherState, received: unknown, times: number) {
    return callCount(received, 'toHaveConversedTimes', CONVERSE, times);
  },
  toHaveConversedWith(this: MatcherState, received: unknown, expected: ConverseExpectation) {
    return someCall(this, received, 'toHaveConversedWith', CONVERSE, expected);
  },
  toHaveNthConversedWith(this: MatcherState, received: unknown, nth: number, expected: ConverseExpectation) {
    return nthCall(this, received, 'toHaveNthConversedWith', CONVERSE, nth, expected);
  },
  toHaveLastConversedWith(this: MatcherState, received: unknown, expected: ConverseExpectation) {
    return nthCall(this, received, 'toHaveLastConversedWith', CONVERSE, 'last', expected);
  },
  toHaveInvoked(this: MatcherState, received: unknown) {
    return someCall(this, received, 'toHaveInvoked', INVOKE);
  },
  toHaveInvokedTimes(this: MatcherState, received: unknown, times: number) {
    return callCount(received, 'toHaveInvokedTimes', INVOKE, times);
  },
  toHaveInvokedWith(this: MatcherState, received: unknown, expected: InvokeExpectation) {
    return someCall(this, received, 'toHaveInvokedWith', INVOKE, expected);
  },
  toHaveNthInvokedWith(this: MatcherState, received: unknown, nth: number, expected: InvokeExpectation) {
    return nthCall(this, received, 'toHaveNthInvokedWith', INVOKE, nth, expected);
  },
  toHaveLastInvokedWith(this: MatcherState, received: unknown, expected: InvokeExpectation) {
    return nthCall(this, received, 'toHaveLastInvokedWith', INVOKE, 'last', expected);
  },
  toHaveBeenCalledWithModel(this: MatcherState, received: unknown, modelId: string | RegExp) {
    return someCall(this, received, 'toHaveBeenCalledWithModel', { noun: 'call' }, { modelId });
  },
  toHaveReceivedCall(this: MatcherState, received: unknown, operation: OperationName, expected?: CallExpectation) {
    return someCall(this, received, 'toHaveReceivedCall', { operations: [operation], noun: `${operation} call` }, expected);
  },
  toHaveReceivedCallTimes(this: MatcherState, received: unknown, operation: OperationName, times: number) {
    return callCount(received, 'toHaveReceivedCallTimes', { operations: [operation], noun: `${operation} call` }, times);
  },
} satisfies Record<keyof LocalBedrockMatchers, (this: MatcherState, received: unknown, ...expected: never[]) => MatcherOutcome>;
