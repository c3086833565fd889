import { ContentBlockTracker } from '../content-block-tracker.js';
import type { ChatRequest, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import { parseConverseRequest } from '../converse-request.js';
import { partToContentBlock } from '../converse-response.js';
import { asArray, asObject, toBase64 } from '../json-values.js';
import { checkKeys, checkNumber, collect, malformedInput, typeViolation } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeStreamEncoder } from './types.js';
import { allInputTokens, novaCacheFields } from '../../caching/cache-usage-fields.js';

/**
 * Amazon Nova, schema `messages-v1`. The body is Converse with different casing in `inferenceConfig`
 * (`max_new_tokens`, `top_p`, `top_k`), so after checking Nova's own schema the body is rewritten as a
 * Converse request and read by the Converse parser: content blocks, tools and conversation rules are
 * validated exactly as Converse validates them.
 */

const TOP_LEVEL_KEYS = ['schemaVersion', 'system', 'inferenceConfig', 'toolConfig', 'reasoningConfig'];
const INFERENCE_KEYS = ['max_new_tokens', 'temperature', 'top_p', 'top_k', 'stopSequences'];
const SCHEMA_VERSION = 'messages-v1';
/** Chat Completions members: a body with any of them is not Nova's, even without `schemaVersion`. */
const OPENAI_KEYS = ['max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stream', 'model', 'n', 'tools', 'tool_choice', 'reasoning_effort'];

/** Converse-style content: every message's content is a list of blocks keyed by type name (no `type` field). */
function hasConverseContent(messages: unknown): boolean {
  const list = asArray(messages);
  const isConverseBlock = (block: unknown) => {
    const object = asObject(block);
    return object !== undefined && !('type' in object);
  };
  return list !== undefined && list.length > 0 && list.every((message) => asArray(asObject(message)?.content)?.every(isConverseBlock) ?? false);
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['messages'], TOP_LEVEL_KEYS);
  if (body.schemaVersion !== undefined && body.schemaVersion !== SCHEMA_VERSION) {
    violations.push(`#/schemaVersion: ${String(body.schemaVersion)} is not a valid enum value`);
  }
  violations.push(
    ...typeViolation(body.messages, '#/messages', 'JSONArray'),
    ...typeViolation(body.system, '#/system', 'JSONArray'),
    ...typeViolation(body.inferenceConfig, '#/inferenceConfig', 'JSONObject'),
    ...typeViolation(body.toolConfig, '#/toolConfig', 'JSONObject'),
    ...typeViolation(body.reasoningConfig, '#/reasoningConfig', 'JSONObject'),
  );
  const inference = asObject(body.inferenceConfig) ?? {};
  violations.push(...checkKeys(inference, [], INFERENCE_KEYS, '#/inferenceConfig'));
  collect(violations, [
    checkNumber(inference.max_new_tokens, '#/inferenceConfig/max_new_tokens', 1, undefined, true),
    checkNumber(inference.temperature, '#/inferenceConfig/temperature', 0, 1),
    checkNumber(inference.top_p, '#/inferenceConfig/top_p', 0, 1),
    checkNumber(inference.top_k, '#/inferenceConfig/top_k', 0, undefined, true),
  ]);
  violations.push(...typeViolation(inference.stopSequences, '#/inferenceConfig/stopSequences', 'JSONArray'));
  if (violations.length > 0) throw malformedInput(violations);

  // `max_new_tokens` above the model's limit gets Converse's message, which names the limit.
  const converse = {
    messages: body.messages,
    system: body.system,
    toolConfig: body.toolConfig,
    inferenceConfig: { maxTokens: inference.max_new_tokens, temperature: inference.temperature, topP: inference.top_p, stopSequences: inference.stopSequences },
    additionalModelRequestFields: { top_k: inference.top_k, reasoningConfig: body.reasoningConfig },
  };
  return parseConverseRequest(converse, model, 'Converse').chat;
}

function novaStopReason(stopReason: ChatStopReason): string {
  switch (stopReason) {
    case 'end_turn':
    case 'max_tokens':
    case 'stop_sequence':
    case 'tool_use':
    case 'content_filtered':
      return stopReason;
    case 'guardrail_intervened':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}

type BlockKind = 'text' | 'reasoning' | 'redacted' | 'toolUse';

/**
 * Nova's stream: ConverseStream's events, each wrapped in an object named for its event
 * (`{"contentBlockDelta": {…}}`). Text and reasoning blocks open with their first delta, tool-use blocks
 * with `contentBlockStart`; `messageStop` and then `metadata` end the stream.
 */
function streamEncoder(): InvokeStreamEncoder {
  const blocks = new ContentBlockTracker<BlockKind>();
  let started = false;
  const stopChunk = (index: number | undefined): Record<string, unknown>[] => (index === undefined ? [] : [{ contentBlockStop: { contentBlockIndex: index } }]);
  const delta = (kind: BlockKind, body: Record<string, unknown>): Record<string, unknown>[] => {
    const { index, closed } = blocks.continue(kind);
    return [...stopChunk(closed), { contentBlockDelta: { delta: body, contentBlockIndex: index } }];
  };
  return {
    encode(event: ChatStreamEvent) {
      const chunks: Record<string, unknown>[] = [];
      if (!started) {
        started = true;
        chunks.push({ messageStart: { role: 'assistant' } });
      }
      switch (event.type) {
        case 'textDelta':
          chunks.push(...delta('text', { text: event.text }));
          break;
        case 'reasoningDelta':
          chunks.push(...delta('reasoning', { reasoningContent: { text: event.text } }));
          break;
        case 'reasoningSignature':
          chunks.push(...delta('reasoning', { reasoningContent: { signature: event.signature } }));
          break;
        case 'redactedReasoning':
          chunks.push(...stopChunk(blocks.close()), ...delta('redacted', { reasoningContent: { redactedContent: toBase64(event.data) } }));
          break;
        case 'toolUseStart': {
          const { index, closed } = blocks.open('toolUse');
          chunks.push(...stopChunk(closed));
          chunks.push({ contentBlockStart: { start: { toolUse: { toolUseId: event.id, name: event.name } }, contentBlockIndex: index } });
          break;
        }
        case 'toolUseDelta':
          chunks.push(...delta('toolUse', { toolUse: { input: event.input } }));
          break;
        case 'finish':
          chunks.push(...stopChunk(blocks.close()));
          chunks.push({ messageStop: { stopReason: novaStopReason(event.stopReason) } });
          chunks.push({ metadata: { usage: { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens }, metrics: {}, trace: {} } });
          break;
      }
      return chunks;
    },
  };
}

/** Nova `messages-v1` bodies ↔ neutral chat. */
export const novaCodec: InvokeChatCodec = {
  name: 'nova',
  // For `ollama.<model>` ids the body's shape decides: Nova's own marker, or Converse-style content
  // without any Chat Completions member.
  accepts: (body) =>
    body.schemaVersion !== undefined || (hasConverseContent(body.messages) && (body.inferenceConfig !== undefined || !OPENAI_KEYS.some((key) => key in body))),
  decode,
  encode(answer) {
    const { inputTokens, outputTokens } = answer.usage;
    const cache = novaCacheFields(answer.usage);
    return {
      output: { message: { role: 'assistant', content: answer.content.map(partToContentBlock) } },
      stopReason: novaStopReason(answer.stopReason),
      usage: { inputTokens, outputTokens, totalTokens: allInputTokens(answer.usage) + outputTokens, ...cache },
    };
  },
  streamEncoder,
};
