import { responseToStreamEvents } from '../../chat/stream.js';
import type { ChatRequest, ChatStreamEvent } from '../../chat/types.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import { blockedInputAnswer } from '../../guardrails/inline/guard-answer.js';
import { guardChatStream } from '../../guardrails/inline/guard-stream.js';
import type { InlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import type { GuardrailContentBlock } from '../../guardrails/types.js';
import type { OperationName } from '../../router/routes.js';
import { startBackendStream, type BackendStream } from './backend-stream.js';

/**
 * Starts a streamed answer through an inline guardrail: the input is assessed before the model is called;
 * a blocked input streams the blocked-input message without calling the model; otherwise the model's events
 * pass through the guardrail's stream transform. Without a guardrail this is `startBackendStream`.
 *
 * @example
 * const stream = await startGuardedStream(runtime, chat, signal, 'ConverseStream', guardrail, converseGuardedInput(body));
 */
export async function startGuardedStream(
  runtime: LocalBedrockRuntime,
  request: ChatRequest,
  callerSignal: AbortSignal,
  operation: OperationName,
  guardrail: InlineGuardrail | undefined,
  input: () => GuardrailContentBlock[],
): Promise<BackendStream> {
  if (!guardrail) return startBackendStream(runtime, request, callerSignal, operation);
  const evaluation = await guardrail.assessInput(input());
  if (evaluation.blocked) {
    const answer = blockedInputAnswer(guardrail);
    return {
      events: (async function* (): AsyncGenerator<ChatStreamEvent> {
        yield* responseToStreamEvents(answer);
      })(),
      signal: callerSignal,
      release: () => undefined,
    };
  }
  const stream = await startBackendStream(runtime, request, callerSignal, operation);
  return { ...stream, events: guardChatStream(stream.events, guardrail) };
}
