import { requestDigest, stableToolUseId } from '../../chat/request-digest.js';
import type { ChatRequest, ChatStreamEvent } from '../../chat/types.js';
import { StopSequenceWatcher } from '../stop-sequence-watcher.js';
import { errorBodyMessage, modelStreamError } from './openai-errors.js';
import { parseToolArguments, toStopReason, usageOf } from './openai-response.js';
import type { OpenAIChatCompletionChunk, OpenAIUsage } from './openai-wire.js';
import type { ServerSentEvent } from './sse-parser.js';

/** A tool call being assembled from its streamed pieces. */
interface PendingToolCall {
  name: string;
  arguments: string;
}

function chunkOf(data: string): OpenAIChatCompletionChunk {
  try {
    return JSON.parse(data) as OpenAIChatCompletionChunk;
  } catch (error) {
    throw modelStreamError(`the server sent a chunk that is not JSON: ${data.slice(0, 200)}`, error);
  }
}

/**
 * Streamed completion chunks → neutral events. Reasoning (`reasoning_content` or `reasoning`) and text
 * pieces pass through as they come; text is watched for stop sequences, and a hit ends the upstream request
 * at once. Tool calls arrive as pieces keyed by `index`, possibly interleaved for parallel calls, so they
 * are assembled and their arguments checked before the caller sees a tool-use block. The finish comes
 * after `[DONE]` (or the end of the body), since the usage chunk follows the one with `finish_reason`.
 *
 * @example
 * const events = translateOpenAIStream(parseServerSentEvents(response.body!), request, () => controller.abort());
 * for await (const event of events) console.log(event.type);
 */
export async function* translateOpenAIStream(
  events: AsyncIterable<ServerSentEvent>,
  request: ChatRequest,
  abortUpstream: () => void,
): AsyncGenerator<ChatStreamEvent> {
  const watcher = new StopSequenceWatcher(request.stopSequences);
  const toolCalls = new Map<number, PendingToolCall>();
  let emitted = '';
  let finishReason: string | undefined;
  let usage: OpenAIUsage | undefined;
  let done = false;

  for await (const event of events) {
    if (event.data.trim() === '[DONE]') {
      done = true;
      break;
    }
    const chunk = chunkOf(event.data);
    if (chunk.error !== undefined) throw modelStreamError(errorBodyMessage(JSON.stringify({ error: chunk.error })));
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) yield { type: 'reasoningDelta', text: reasoning };
    if (delta.content) {
      const { emit, hit } = watcher.push(delta.content);
      if (emit) {
        emitted += emit;
        yield { type: 'textDelta', text: emit };
      }
      if (hit !== undefined) {
        abortUpstream();
        yield { type: 'finish', stopReason: 'stop_sequence', stopSequence: hit, usage: usageOf(request, { prompt_tokens: usage?.prompt_tokens }, emitted) };
        return;
      }
    }
    for (const piece of delta.tool_calls ?? []) {
      // Servers that omit `index` start a call with its id and continue it with argument-only pieces.
      const index = piece.index ?? (piece.id !== undefined || toolCalls.size === 0 ? toolCalls.size : toolCalls.size - 1);
      const call = toolCalls.get(index) ?? { name: '', arguments: '' };
      const name = piece.function?.name;
      // Some gateways repeat the whole name in every piece instead of sending it once.
      if (name && name !== call.name) call.name += name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
      toolCalls.set(index, call);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  if (!done && finishReason === undefined) throw modelStreamError('the stream ended before the answer was complete');
  const rest = watcher.flush();
  if (rest) {
    emitted += rest;
    yield { type: 'textDelta', text: rest };
  }
  const finalUsage = usageOf(request, usage, emitted);
  const calls = [...toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ name: call.name, input: parseToolArguments(call.arguments) }));
  if (calls.some((call) => call.input === undefined || call.name === '')) {
    // A call cut off by the token limit is a max_tokens answer; otherwise the model produced a broken call.
    yield { type: 'finish', stopReason: finishReason === 'length' ? 'max_tokens' : 'malformed_tool_use', usage: finalUsage };
    return;
  }
  const digest = calls.length > 0 ? requestDigest(request) : undefined;
  for (const [position, call] of calls.entries()) {
    yield { type: 'toolUseStart', id: stableToolUseId(digest!, position), name: call.name };
    yield { type: 'toolUseDelta', input: JSON.stringify(call.input) };
  }
  yield { type: 'finish', stopReason: toStopReason(finishReason, calls.length > 0), usage: finalUsage };
}
