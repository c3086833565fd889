import { defaultAnswer } from '../backends/scripted/default-answer.js';
import type { ScriptedBackend } from '../backends/scripted/scripted-backend.js';
import type { ScriptedError, ScriptedMatch, ScriptedReply, ScriptedReplySource } from '../backends/scripted/script.js';
import { requestDigest } from '../chat/request-digest.js';
import type { ChatRequest } from '../chat/types.js';
import type { ScriptableOperation, StreamingOperation } from './calls.js';

/**
 * Scripting that reads as a sentence — `bedrock.on('Converse', { prompt: /weather/ }).replyOnce(…).reply(…)`
 * — built on the scripted backend's rules. Each `on()` adds one rule; rules added later are consulted
 * first, so a test's own script overrides a suite-wide one.
 */

/**
 * Which requests a script answers; every given field must match. Strings match the prompt and system
 * prompt as substrings.
 *
 * @example
 * const match: CallMatch = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', prompt: /weather/i };
 */
export interface CallMatch {
  /**
   * The model id in any form the caller may send (base id, inference profile, ARN): it is resolved the way
   * requests are, so `us.anthropic…` and `anthropic…` match the same calls. A RegExp is tested against the
   * resolved base id.
   */
  modelId?: string | RegExp;
  /** The text of the last user message. */
  prompt?: string | RegExp;
  /** The joined system prompt. */
  system?: string | RegExp;
}

/**
 * The replies one `on()` gives, in order: `replyOnce`/`replyTimes`/`failOnce` replies first (first
 * scripted, first given), then the `reply`/`fail` reply for every call after. A chain with only one-time
 * replies stops matching once they are used, and the requests fall through to earlier scripts or the
 * default answer.
 *
 * @example
 * bedrock.on('Converse', { prompt: /weather/ })
 *   .replyOnce({ toolUse: { name: 'get_weather', input: { city: 'Paris' } } })
 *   .reply({ text: 'It is sunny in Paris.' });
 */
export interface ReplyChain {
  /**
   * Answers every matching call (after any one-time replies) with this reply, or the reply a function of
   * the neutral request computes. A second `reply()` replaces the first.
   *
   * @example
   * bedrock.on('Converse').reply({ text: 'Hello!' });
   * bedrock.on('Converse').reply((request) => ({ text: `You said ${request.messages.length} things.` }));
   */
  reply(reply: ScriptedReplySource): this;
  /**
   * Answers the next matching call with this reply.
   *
   * @example
   * bedrock.on('Converse').replyOnce({ text: 'first' }).replyOnce({ text: 'second' });
   */
  replyOnce(reply: ScriptedReplySource): this;
  /**
   * Answers the next `times` matching calls with this reply.
   *
   * @example
   * bedrock.on('InvokeModel').replyTimes(2, { text: 'twice' });
   */
  replyTimes(times: number, reply: ScriptedReplySource): this;
  /**
   * Fails every matching call (after any one-time replies) with this Bedrock exception. The SDK retries
   * retryable ones (e.g. `ThrottlingException`), so each `send()` makes several calls.
   *
   * @example
   * bedrock.on('Converse').fail({ name: 'AccessDeniedException', message: 'No access to this model.' });
   */
  fail(error: ScriptedError): this;
  /**
   * Fails the next matching call with this Bedrock exception.
   *
   * @example
   * bedrock.on('Converse').failOnce('ThrottlingException'); // the SDK's retry then gets the next reply
   */
  failOnce(error: ScriptedError): this;
  /**
   * Fails the next `times` matching calls with this Bedrock exception.
   *
   * @example
   * bedrock.on('Converse').failTimes(2, 'ServiceUnavailableException').reply({ text: 'Back again.' });
   */
  failTimes(times: number, error: ScriptedError): this;
}

/**
 * Breaking streams, for scripts of a streaming operation. The stream carries the answer the request would
 * have got (the default answer) and fails after `deltas` content deltas; an answer with fewer deltas ends
 * normally, so break long answers you script yourself with `{ text, streamError: { afterDeltas } }`.
 *
 * @example
 * bedrock.on('ConverseStream').breakStreamOnceAfter(3, 'ModelStreamErrorException');
 */
export interface StreamBreaking {
  /**
   * Breaks every matching stream (after any one-time replies) after `deltas` content deltas, with this
   * exception (default `ModelStreamErrorException`).
   *
   * @example
   * bedrock.on('ConverseStream').breakStreamAfter(2);
   */
  breakStreamAfter(deltas: number, error?: ScriptedError): this;
  /**
   * Breaks the next matching stream after `deltas` content deltas.
   *
   * @example
   * bedrock.on('InvokeModelWithResponseStream').breakStreamOnceAfter(0, 'ThrottlingException');
   */
  breakStreamOnceAfter(deltas: number, error?: ScriptedError): this;
}

/**
 * The chain `on(operation)` returns: stream-breaking methods exist only when a streaming operation can match.
 *
 * @example
 * const chain: ReplyChainFor<'ConverseStream'> = bedrock.on('ConverseStream');
 * chain.breakStreamAfter(1);
 */
export type ReplyChainFor<O extends ScriptableOperation> = [Extract<O, StreamingOperation>] extends [never] ? ReplyChain : ReplyChain & StreamBreaking;

const NO_OPERATIONS: readonly ScriptableOperation[] = [];

function positiveCount(times: number, method: string): number {
  if (!Number.isInteger(times) || times < 1) throw new RangeError(`[local-bedrock] ${method}() needs a whole number of times of at least 1, got ${times}.`);
  return times;
}

/** The request's default answer, broken after `deltas` content deltas when streamed. */
function brokenStream(deltas: number, error: ScriptedError | undefined): (request: ChatRequest) => ScriptedReply {
  if (!Number.isInteger(deltas) || deltas < 0) throw new RangeError(`[local-bedrock] A stream can break after a whole number of deltas (0 or more), got ${deltas}.`);
  return (request) => {
    // The digest is only computed here, where the default answer needs it.
    const answer = defaultAnswer(request, () => requestDigest(request));
    return { ...answer, streamError: { afterDeltas: deltas, error } };
  };
}

/**
 * Adds one rule to a scripted backend and returns the chain that fills it; `bedrock.on()` calls this. The
 * rule's `operation` is read on each request, so the rule stops matching (and requests fall through) once
 * its replies are used up — the backend's own `times` is fixed when a rule is added, while a chain keeps
 * growing.
 *
 * @example
 * createReplyChain(createScriptedBackend(), ['Converse'], { prompt: /hello/ }).reply({ text: 'Hi!' });
 */
export function createReplyChain<O extends ScriptableOperation>(
  scripted: ScriptedBackend,
  operations: readonly O[],
  match: Omit<ScriptedMatch, 'operation'>,
): ReplyChainFor<O> {
  const onceReplies: { reply: ScriptedReplySource; remaining: number }[] = [];
  let everyReply: ScriptedReplySource | undefined;
  const nextOnce = () => onceReplies.find((entry) => entry.remaining > 0);

  scripted.addRule({
    match: {
      ...match,
      get operation() {
        return nextOnce() !== undefined || everyReply !== undefined ? operations : NO_OPERATIONS;
      },
    },
    reply(request) {
      // The backend calls this right after matching, so the reply chosen here is the one the match saw.
      const once = nextOnce();
      if (once) once.remaining -= 1;
      const source = once?.reply ?? everyReply ?? {};
      return typeof source === 'function' ? source(request) : source;
    },
  });

  const chain: ReplyChain & StreamBreaking = {
    reply(reply) {
      everyReply = reply;
      return this;
    },
    replyOnce(reply) {
      return this.replyTimes(1, reply);
    },
    replyTimes(times, reply) {
      onceReplies.push({ reply, remaining: positiveCount(times, 'replyTimes') });
      return this;
    },
    fail(error) {
      return this.reply({ error });
    },
    failOnce(error) {
      return this.replyTimes(1, { error });
    },
    failTimes(times, error) {
      return this.replyTimes(positiveCount(times, 'failTimes'), { error });
    },
    breakStreamAfter(deltas, error) {
      return this.reply(brokenStream(deltas, error));
    },
    breakStreamOnceAfter(deltas, error) {
      return this.replyTimes(1, brokenStream(deltas, error));
    },
  };
  return chain as ReplyChainFor<O>;
}
