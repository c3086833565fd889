import { randomUUID } from 'node:crypto';
import { describeError } from '../../../core/describe-error.js';
import type { LocalBedrockRuntime } from '../../../core/runtime.js';
import { INVOKE_STREAM_EXCEPTIONS, streamExceptionFrame } from '../../../encoding/error-response.js';
import { BedrockServiceError, toBedrockError, validationError } from '../../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../../models/registry.js';
import { watchDeadline } from './deadline.js';
import { SonicInputDecoder } from './input-decoder.js';
import { EventQueue } from '../../../core/event-queue.js';
import { SonicSessionState, type SessionAction } from './session-state.js';
import { isNova2Sonic, isSonicModel, UNSUPPORTED_MODEL_MESSAGE } from './sonic-models.js';
import { speechHooks } from './speech-hooks.js';
import { SonicResponder } from './turn-responder.js';

/**
 * One Nova Sonic session: reads the client's input events as they arrive, answers turns while input is still
 * open (full duplex), and ends the output once the input has ended.
 *
 * It never ends the output while the client may still be sending: the JS SDK crashes the client's process
 * (`ERR_STREAM_WRITE_AFTER_END`) when the answer ends while its input is still being written. So a failure only
 * stops the work; the input is read and discarded up to the client's end frame (or for `drainGraceMs`), and
 * only then is the exception sent and the answer ended.
 */

const DEFAULT_DRAIN_GRACE_MS = 10_000;

/**
 * A running session.
 *
 * @example
 * const session = new SonicSession(runtime, labels.modelId, request.bodyStream, signal);
 * return { statusCode: 200, headers, body: session.output(), cancel: () => session.cancel() };
 */
export class SonicSession {
  /** Output frames; a reader that falls behind gets the backlog joined into one chunk (the SDK splits it again). */
  private readonly queue = new EventQueue<Uint8Array>(
    () => this.cancel(),
    (first, second) => Buffer.concat([first, second]),
  );
  private readonly work = new AbortController();
  private failure: BedrockServiceError | undefined;
  private inputEnded = false;
  /** `sessionEnd` was received: later input is discarded. */
  private closing = false;
  private finished = false;
  private readonly watches = new Set<() => void>();
  private stopIdleWatch = () => {};

  constructor(
    private readonly runtime: LocalBedrockRuntime,
    private readonly modelId: string,
    private readonly input: AsyncIterable<Uint8Array>,
    callerSignal: AbortSignal,
  ) {
    // The core passes one shared never-aborted signal to callers without one: the listener must go when the session does.
    const onAbort = () => this.cancel();
    if (callerSignal.aborted) this.cancel();
    else {
      callerSignal.addEventListener('abort', onAbort, { once: true });
      this.watches.add(() => callerSignal.removeEventListener('abort', onAbort));
    }
    this.run().catch((error: unknown) => {
      this.runtime.logger.warn(`[local-bedrock] InvokeModelWithBidirectionalStream failed unexpectedly: ${describeError(error)}`);
      this.cancel();
    });
  }

  /** The response body: output frames until the session ends. The session is cancelled if the reader leaves early. */
  output(): AsyncIterable<Uint8Array> {
    return this.queue;
  }

  /** The client went away: stop the work and end the output, with no exception (nobody reads it). */
  cancel(): void {
    if (this.finished) return;
    this.work.abort();
    this.finish(false);
  }

  private async run(): Promise<void> {
    const decoder = new SonicInputDecoder();
    const session = this.open();
    try {
      for await (const chunk of this.input) {
        for (const item of decoder.push(chunk)) {
          if (item.kind === 'end') {
            this.endOfInput();
            continue;
          }
          if (this.failure || this.closing || this.finished || this.inputEnded) continue;
          if (item.kind === 'invalid') {
            this.fail(validationError(item.message));
            continue;
          }
          this.watchIdleInput();
          try {
            await this.perform(session, session.state.accept(item.value));
          } catch (error) {
            this.fail(error);
          }
          this.watchIdleInput();
        }
      }
      if (decoder.hasPartialFrame && !this.inputEnded) this.fail(validationError('Invalid input event bytes: the input ended in the middle of an event.'));
    } catch (error) {
      // The client's input failed (a reset connection): there is nobody left to answer.
      if (!this.finished) this.runtime.logger.warn(`[local-bedrock] InvokeModelWithBidirectionalStream input failed: ${describeError(error)}`);
      this.cancel();
      return;
    }
    this.endOfInput();
  }

  /** Sets the session up; a model that is no Sonic model fails it (reported once the input is drained). */
  private open(): { state: SonicSessionState; responder: SonicResponder | undefined } {
    let model: ResolvedModel | undefined;
    try {
      model = this.runtime.models.resolve(this.modelId);
      if (!isSonicModel(model)) throw validationError(UNSUPPORTED_MODEL_MESSAGE);
    } catch (error) {
      this.fail(error);
      model = undefined;
    }
    const state = new SonicSessionState({ nova2: model !== undefined && isNova2Sonic(model) });
    const options = this.runtime.sonic;
    if (options.sessionTimeoutMs !== undefined) {
      this.watch(this.runtime.clock.now() + options.sessionTimeoutMs, () =>
        this.fail(new BedrockServiceError('ModelTimeoutException', 'Model has timed out in processing the request. Try your request again.')),
      );
    }
    this.watchIdleInput();
    const responder = model
      ? new SonicResponder({
          runtime: this.runtime,
          model,
          state,
          hooks: speechHooks(options),
          sessionId: randomUUID(),
          signal: this.work.signal,
          emit: (frame) => {
            if (!this.failure && !this.finished) this.queue.push(frame);
          },
        })
      : undefined;
    return { state, responder };
  }

  private async perform(session: { responder: SonicResponder | undefined }, action: SessionAction): Promise<void> {
    const { responder } = session;
    if (!responder) return;
    switch (action.type) {
      case 'userText':
        return responder.userText(action.prompt, action.text);
      case 'userAudio':
        return responder.userAudio(action.prompt, action.content);
      case 'toolResult':
        return responder.toolResult(action.prompt, action.toolUseId, action.content);
      case 'sessionEnd':
        this.closing = true;
        this.waitForEndOfInput();
        return;
      default:
        return;
    }
  }

  /** Restarts the input idle limit, when one is configured. */
  private watchIdleInput(): void {
    const limit = this.runtime.sonic.inputIdleTimeoutMs;
    if (limit === undefined || this.finished || this.failure || this.closing) return;
    this.stopIdleWatch();
    this.stopIdleWatch = this.watch(this.runtime.clock.now() + limit, () => this.fail(validationError('Timed out waiting for input events')));
  }

  private watch(at: number, onExpire: () => void): () => void {
    const stop = watchDeadline(this.runtime.clock, at, () => {
      this.watches.delete(stop);
      onExpire();
    });
    this.watches.add(stop);
    return () => {
      this.watches.delete(stop);
      stop();
    };
  }

  /** The session has failed: stop the work, and report once the client has finished sending. */
  private fail(error: unknown): void {
    if (this.failure || this.finished) return;
    const bedrockError = toBedrockError(error);
    if (bedrockError !== error && !this.work.signal.aborted) {
      this.runtime.logger.warn(`[local-bedrock] InvokeModelWithBidirectionalStream failed unexpectedly: ${describeError(error)}`);
    }
    this.failure = bedrockError;
    this.work.abort();
    this.waitForEndOfInput();
  }

  /** Ends the output once the input has ended, or after the grace period if the client keeps its input open. */
  private waitForEndOfInput(): void {
    if (this.inputEnded) return this.finish(true);
    this.stopIdleWatch();
    this.watch(this.runtime.clock.now() + (this.runtime.sonic.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS), () => this.finish(true));
  }

  private endOfInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.finish(true);
  }

  /** Ends the output: with the exception frame if the session failed and someone still reads. */
  private finish(report: boolean): void {
    if (this.finished) return;
    this.finished = true;
    for (const stop of [...this.watches]) stop();
    this.stopIdleWatch();
    if (report && this.failure) this.queue.push(streamExceptionFrame(this.failure, INVOKE_STREAM_EXCEPTIONS));
    this.queue.end();
    if (!this.work.signal.aborted) this.work.abort();
  }
}
