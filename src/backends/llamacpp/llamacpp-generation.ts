import type { ChatHistoryItem, LlamaChat, LlamaContextSequence, LlamaGrammar } from 'node-llama-cpp';
import { requestDigest, stableToolUseId } from '../../chat/request-digest.js';
import type { ChatRequest, ChatStopReason, ChatStreamEvent, ChatUsage } from '../../chat/types.js';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import { StopSequenceWatcher } from '../stop-sequence-watcher.js';
import type { EventQueue } from '../../core/event-queue.js';
import type { ForcedToolPlan } from './tool-grammar.js';
import type { GrammarSchema } from './json-schema-grammar.js';

/** Everything one generation needs, prepared before a sequence is taken. */
export interface GenerationPlan {
  request: ChatRequest;
  history: ChatHistoryItem[];
  /** Constrains the answer: a forced tool's arguments or the response schema. */
  grammar?: LlamaGrammar;
  /** Read the grammar-constrained answer back as a tool call. */
  forced?: ForcedToolPlan;
  /** Tools the model may call (`auto` choice). */
  functions?: Record<string, { description?: string; params: GrammarSchema }>;
}

/**
 * One context sequence and the `LlamaChat` bound to it. The chat is made once per sequence and reused:
 * making one per request costs more than generating a short answer.
 */
export interface ChatSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

function stopReasonOf(reason: string, sawToolCall: boolean): ChatStopReason {
  if (reason === 'maxTokens') return 'max_tokens';
  if (reason === 'customStopTrigger') return 'stop_sequence';
  if (reason === 'functionCalls' || sawToolCall) return 'tool_use';
  return 'end_turn';
}

function streamError(error: unknown): unknown {
  if (BedrockServiceError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BedrockServiceError('ModelStreamErrorException', `The model returned an error: ${message}`, { members: { originalMessage: message }, cause: error });
}

/**
 * Runs one answer on a context sequence through the model's own chat template, pushing neutral events into
 * `queue` as text arrives. Stop sequences are watched on the text (nothing after one is ever emitted) and
 * also handed to llama.cpp so generation ends there. Usage comes from the sequence's token meter: the
 * sequence is cleared first, so input tokens are the whole rendered prompt.
 *
 * `cancel` aborts when the caller aborts or stops reading; a caller abort ends the stream with the
 * signal's reason, any other failure with `ModelStreamErrorException`.
 *
 * @example
 * await runGeneration(slot, plan, queue, cancel, callerSignal);
 */
export async function runGeneration(slot: ChatSlot, plan: GenerationPlan, queue: EventQueue<ChatStreamEvent>, cancel: AbortController, callerSignal?: AbortSignal): Promise<void> {
  const { sequence, chat } = slot;
  const { request } = plan;
  const watcher = new StopSequenceWatcher(request.stopSequences);
  let hit: string | undefined;
  let forcedText = '';
  try {
    await sequence.clearHistory();
    const before = sequence.tokenMeter.getState();
    const onTextChunk = (text: string) => {
      if (plan.forced) {
        forcedText += text;
        return;
      }
      if (hit !== undefined) return;
      const { emit, hit: found } = watcher.push(text);
      if (emit) queue.push({ type: 'textDelta', text: emit });
      if (found !== undefined) {
        hit = found;
        cancel.abort();
      }
    };
    const sampling = {
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.topK !== undefined ? { topK: request.topK } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stopSequences.length > 0 ? { customStopTriggers: request.stopSequences } : {}),
    };
    const common = { ...sampling, onTextChunk, signal: cancel.signal, stopOnAbortSignal: true };
    const response = plan.functions
      ? await chat.generateResponse(plan.history, { ...common, functions: plan.functions as never })
      : await chat.generateResponse(plan.history, { ...common, ...(plan.grammar ? { grammar: plan.grammar } : {}) });
    if (callerSignal?.aborted) throw callerSignal.reason;
    const after = sequence.tokenMeter.getState();
    const usage: ChatUsage = { inputTokens: after.usedInputTokens - before.usedInputTokens, outputTokens: after.usedOutputTokens - before.usedOutputTokens };
    if (hit !== undefined || response.metadata.stopReason === 'customStopTrigger') {
      const sequenceHit = hit ?? (response.metadata.stopReason === 'customStopTrigger' ? response.metadata.customStopTrigger.filter((item) => typeof item === 'string').join('') : '');
      queue.push({ type: 'finish', stopReason: 'stop_sequence', stopSequence: sequenceHit, usage });
      return;
    }
    const rest = watcher.flush();
    if (rest) queue.push({ type: 'textDelta', text: rest });
    const digest = requestDigest(request);
    let calls = 0;
    if (plan.forced) {
      if (response.metadata.stopReason === 'maxTokens') {
        // The arguments were cut off: Bedrock reports the limit, and there is no tool call to give.
        if (forcedText) queue.push({ type: 'textDelta', text: forcedText });
        queue.push({ type: 'finish', stopReason: 'max_tokens', usage });
        return;
      }
      let answer: unknown;
      try {
        answer = JSON.parse(forcedText);
      } catch {
        queue.push({ type: 'finish', stopReason: 'malformed_tool_use', usage });
        return;
      }
      const call = plan.forced.toolFor(answer);
      queue.push({ type: 'toolUseStart', id: stableToolUseId(digest, calls++), name: call.name });
      queue.push({ type: 'toolUseDelta', input: JSON.stringify(call.input ?? {}) });
      queue.push({ type: 'finish', stopReason: 'tool_use', usage });
      return;
    }
    // The generic response type cannot know our runtime-built functions; the calls are plain name + params.
    const functionCalls = (response as { functionCalls?: readonly { functionName: string; params: unknown }[] }).functionCalls;
    for (const call of functionCalls ?? []) {
      queue.push({ type: 'toolUseStart', id: stableToolUseId(digest, calls++), name: call.functionName });
      queue.push({ type: 'toolUseDelta', input: JSON.stringify(call.params ?? {}) });
    }
    queue.push({ type: 'finish', stopReason: stopReasonOf(response.metadata.stopReason, calls > 0), usage });
  } catch (error) {
    if (callerSignal?.aborted) throw callerSignal.reason;
    throw streamError(error);
  }
}
