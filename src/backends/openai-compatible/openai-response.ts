import { requestDigest, stableToolUseId } from '../../chat/request-digest.js';
import type { ChatOutputPart, ChatRequest, ChatResponse, ChatStopReason, ChatUsage } from '../../chat/types.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { loadedTokenizer } from '../../tokens/tokenizers.js';
import { StopSequenceWatcher } from '../stop-sequence-watcher.js';
import type { OpenAIChatCompletion, OpenAIUsage } from './openai-wire.js';

/** OpenAI answers → neutral answers: stop reasons, tool calls, usage. */

/**
 * `finish_reason` → Bedrock stop reason. Tool calls win over `stop`: a forced (named) tool choice ends
 * with `finish_reason: "stop"` on OpenAI itself.
 *
 * @example
 * toStopReason('length', false); // 'max_tokens'
 * toStopReason('stop', true); // 'tool_use'
 */
export function toStopReason(finishReason: string | null | undefined, sawToolCall: boolean): ChatStopReason {
  if (finishReason === 'length') return 'max_tokens';
  if (finishReason === 'content_filter') return 'content_filtered';
  if (sawToolCall || finishReason === 'tool_calls' || finishReason === 'function_call') return 'tool_use';
  return 'end_turn';
}

/** A tool call whose arguments have been read. */
export interface AssembledToolCall {
  name: string;
  input: unknown;
}

/**
 * Reads a tool call's JSON arguments: an empty text is `{}` (some servers send none for tools without
 * parameters); `undefined` when the text is not a JSON object.
 *
 * @example
 * parseToolArguments('{"city":"Paris"}'); // { city: 'Paris' }
 * parseToolArguments('{"city":'); // undefined
 */
export function parseToolArguments(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Usage for an answer: the server's counts where it sent them, else the request's and the answer's token
 * counts from the Bedrock model's tokenizer (llama-server without `include_usage`, some gateways).
 *
 * @example
 * usageOf(request, { prompt_tokens: 12, completion_tokens: 3 }, 'Hi!'); // { inputTokens: 12, outputTokens: 3 }
 */
export function usageOf(request: ChatRequest, usage: OpenAIUsage | null | undefined, outputText: string): ChatUsage {
  return {
    inputTokens: usage?.prompt_tokens ?? countChatRequestTokens(request),
    outputTokens: usage?.completion_tokens ?? loadedTokenizer(request.modelId).count(outputText),
  };
}

/**
 * A non-streamed completion → a neutral answer. Text is cut at the first stop sequence (reported exactly,
 * with the output counted up to it); tool calls get stable Bedrock-style ids; a tool call whose arguments
 * are not a JSON object makes the answer `malformed_tool_use`, as Bedrock reports a broken tool use.
 *
 * @example
 * fromOpenAICompletion(request, { choices: [{ message: { content: 'Hi!' }, finish_reason: 'stop' }] });
 * // { content: [{ type: 'text', text: 'Hi!' }], stopReason: 'end_turn', usage: { … } }
 */
export function fromOpenAICompletion(request: ChatRequest, completion: OpenAIChatCompletion): ChatResponse {
  const choice = completion.choices?.[0];
  const message = choice?.message ?? {};
  const content: ChatOutputPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const watcher = new StopSequenceWatcher(request.stopSequences);
  const { emit, hit } = watcher.push(message.content ?? '');
  const text = hit === undefined ? emit + watcher.flush() : emit;
  if (text) content.push({ type: 'text', text });
  if (hit !== undefined) {
    // The server generated past the stop sequence; only what the caller gets counts.
    const usage = usageOf(request, { prompt_tokens: completion.usage?.prompt_tokens }, text);
    return { content, stopReason: 'stop_sequence', stopSequence: hit, usage };
  }
  const digest = requestDigest(request);
  let malformed = false;
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    const input = parseToolArguments(call.function?.arguments ?? '');
    if (input === undefined || !call.function?.name) {
      malformed = true;
      continue;
    }
    content.push({ type: 'toolUse', id: stableToolUseId(digest, index), name: call.function.name, input });
  }
  const usage = usageOf(request, completion.usage, text);
  if (malformed && choice?.finish_reason !== 'length') {
    return { content: content.filter((part) => part.type !== 'toolUse'), stopReason: 'malformed_tool_use', usage };
  }
  return { content, stopReason: toStopReason(choice?.finish_reason, content.some((part) => part.type === 'toolUse')), usage };
}
