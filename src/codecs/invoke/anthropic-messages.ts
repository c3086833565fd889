import type { ChatMessage, ChatPart, ChatRequest, ChatStopReason, ChatStreamEvent, ChatTool, ChatToolChoice, ChatToolResultPart, JsonSchema } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { asArray, asNumber, asObject, asString, fromBase64, toBase64 } from '../json-values.js';
import { ContentBlockTracker } from '../content-block-tracker.js';
import { checkKeys, checkNumber, collect, malformedInput } from './native-body-errors.js';
import type { InvokeChatCodec, InvokeContext, InvokeStreamEncoder } from './types.js';
import { toolsForChoice } from './tool-choice.js';
import { anthropicCacheCheckpoints } from '../../caching/anthropic-checkpoints.js';
import { withPromptCacheUsage } from '../../caching/cache-accounting.js';
import { anthropicDeltaCacheUsage, anthropicUsage } from '../../caching/cache-usage-fields.js';

/**
 * Anthropic Claude, Messages API (`anthropic_version: bedrock-2023-05-31`): text, images, documents, tools,
 * tool results, extended thinking and `cache_control`. Errors from Claude's own validation use Claude's
 * wording, as Bedrock passes them through.
 */

const TOP_LEVEL_KEYS = ['system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools', 'tool_choice', 'thinking', 'anthropic_beta', 'metadata', 'output_config'];
/** `bedrock-2023-05-31`, or the plain dates newer SDKs send. */
const VERSION_PATTERN = /^(bedrock-)?\d{4}-\d{2}-\d{2}$/;

function claudeError(message: string): never {
  throw validationError(message);
}

/** `anthropic.claude-3-5-sonnet-20240620-v1:0` → `claude-3-5-sonnet-20240620`, the name Claude reports. */
export function anthropicModelName(baseModelId: string): string {
  return baseModelId.replace(/^anthropic\./, '').replace(/-v\d+(:\d+)*$/, '');
}

function imageFormat(mediaType: string | undefined): string {
  return (mediaType ?? 'image/png').replace(/^image\//, '');
}

function blockToParts(value: unknown, path: string): ChatPart[] {
  const block = asObject(value);
  if (!block) claudeError(`${path}: Input should be a valid dictionary or object to extract fields from`);
  const source = asObject(block.source) ?? {};
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') claudeError(`${path}.text: Field required`);
      if (block.text.trim() === '') claudeError('messages: text content blocks must contain non-whitespace text');
      return [{ type: 'text', text: block.text }];
    case 'image':
      return [{ type: 'image', format: imageFormat(asString(source.media_type)), data: fromBase64(source.data), uri: asString(source.url) }];
    case 'document':
      return source.type === 'text'
        ? [{ type: 'document', format: 'txt', name: asString(block.title) ?? 'document', text: asString(source.data) ?? '' }]
        : [{ type: 'document', format: 'pdf', name: asString(block.title) ?? 'document', data: fromBase64(source.data) }];
    case 'tool_use':
      if (typeof block.id !== 'string' || typeof block.name !== 'string') claudeError(`${path}: tool_use blocks need an id and a name`);
      return [{ type: 'toolUse', id: block.id, name: block.name, input: block.input ?? {} }];
    case 'tool_result':
      return [{ type: 'toolResult', toolUseId: asString(block.tool_use_id) ?? '', status: block.is_error === true ? 'error' : 'success', content: toolResultContent(block.content) }];
    case 'thinking':
      return [{ type: 'reasoning', text: asString(block.thinking) ?? '', signature: asString(block.signature) }];
    case 'redacted_thinking':
      return [{ type: 'redactedReasoning', data: fromBase64(block.data) ?? new Uint8Array() }];
    default:
      return claudeError(
        `${path}.type: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags: 'document', 'image', 'redacted_thinking', 'text', 'thinking', 'tool_result', 'tool_use'`,
      );
  }
}

function toolResultContent(value: unknown): ChatToolResultPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return (asArray(value) ?? []).flatMap((item): ChatToolResultPart[] => {
    const block = asObject(item) ?? {};
    if (block.type === 'text') return [{ type: 'text', text: asString(block.text) ?? '' }];
    if (block.type === 'image') {
      const source = asObject(block.source) ?? {};
      return [{ type: 'image', format: imageFormat(asString(source.media_type)), data: fromBase64(source.data) }];
    }
    return [];
  });
}

function decodeMessages(value: unknown): ChatMessage[] {
  const raw = asArray(value);
  if (!raw) return claudeError('messages: Input should be a valid list');
  if (raw.length === 0) claudeError('messages: at least one message is required');
  const messages: ChatMessage[] = [];
  raw.forEach((item, index) => {
    const message = asObject(item) ?? {};
    if (message.role !== 'user' && message.role !== 'assistant') {
      claudeError(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    const content =
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : (asArray(message.content) ?? claudeError(`messages.${index}.content: Input should be a valid list`)).flatMap((block, blockIndex) =>
            blockToParts(block, `messages.${index}.content.${blockIndex}`),
          );
    const previous = messages.at(-1);
    // Claude joins consecutive turns of one role into one turn.
    if (previous?.role === message.role) previous.content.push(...content);
    else messages.push({ role: message.role, content });
  });
  if (messages[0]!.role !== 'user') claudeError('messages: first message must use the "user" role');
  checkToolResults(messages);
  return messages;
}

function checkToolResults(messages: readonly ChatMessage[]): void {
  messages.forEach((message, index) => {
    if (message.role !== 'user') return;
    const expected = new Set((messages[index - 1]?.content ?? []).flatMap((part) => (part.type === 'toolUse' ? [part.id] : [])));
    const unexpected = message.content.flatMap((part) => (part.type === 'toolResult' && !expected.has(part.toolUseId) ? [part.toolUseId] : []));
    if (unexpected.length > 0) {
      claudeError(
        `messages.${index}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
  });
}

function decodeSystem(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  return (asArray(value) ?? []).flatMap((block) => {
    const text = asString(asObject(block)?.text);
    return text === undefined ? [] : [text];
  });
}

function decodeTools(value: unknown): ChatTool[] {
  return (asArray(value) ?? []).flatMap((item, index): ChatTool[] => {
    const tool = asObject(item) ?? {};
    // Server tools (`computer_…`, `bash_…`) have a type and no schema; they are not callable here.
    if (tool.type !== undefined && tool.type !== 'custom') return [];
    if (typeof tool.name !== 'string') claudeError(`tools.${index}.name: Field required`);
    const schema = asObject(tool.input_schema);
    if (!schema) claudeError(`tools.${index}.custom.input_schema: Field required`);
    return [{ name: tool.name, description: asString(tool.description), inputSchema: schema as JsonSchema }];
  });
}

function decodeToolChoice(value: unknown, tools: readonly ChatTool[]): ChatToolChoice | 'none' | undefined {
  const choice = asObject(value);
  if (!choice) return undefined;
  if (choice.type === 'none') return 'none';
  if (choice.type === 'any') return { type: 'any' };
  if (choice.type === 'tool') {
    const name = asString(choice.name) ?? '';
    if (!tools.some((tool) => tool.name === name)) claudeError(`tool_choice.name: Tool '${name}' not found in provided tools`);
    return { type: 'tool', name };
  }
  return { type: 'auto' };
}

function decode(body: Record<string, unknown>, model: ResolvedModel): ChatRequest {
  const violations = checkKeys(body, ['anthropic_version', 'max_tokens', 'messages'], TOP_LEVEL_KEYS);
  collect(violations, [
    checkNumber(body.max_tokens, '#/max_tokens', 1, undefined, true),
    checkNumber(body.temperature, '#/temperature', 0, 1),
    checkNumber(body.top_p, '#/top_p', 0, 1),
    checkNumber(body.top_k, '#/top_k', 0, undefined, true),
  ]);
  if (typeof body.anthropic_version === 'string' && !VERSION_PATTERN.test(body.anthropic_version)) {
    violations.push(`#/anthropic_version: ${body.anthropic_version} is not a valid enum value`);
  }
  if (violations.length > 0) throw malformedInput(violations);

  const maxTokens = body.max_tokens as number;
  if (maxTokens > model.maxOutputTokens) {
    claudeError(`max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${anthropicModelName(model.baseModelId)}`);
  }
  const tools = decodeTools(body.tools);
  const toolChoice = decodeToolChoice(body.tool_choice, tools);
  const thinking = asObject(body.thinking);
  let reasoning: ChatRequest['reasoning'];
  if (thinking?.type === 'enabled') {
    const budget = asNumber(thinking.budget_tokens);
    if (budget === undefined || budget < 1024) claudeError('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (maxTokens <= budget) claudeError('`max_tokens` must be greater than `thinking.budget_tokens`.');
    if (body.temperature !== undefined && body.temperature !== 1) claudeError('`temperature` may only be set to 1 when thinking is enabled.');
    reasoning = { budgetTokens: budget };
  }
  return {
    modelId: model.baseModelId,
    backendModel: model.backendModel,
    system: decodeSystem(body.system),
    messages: decodeMessages(body.messages),
    ...toolsForChoice(tools, toolChoice),
    maxTokens,
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: (asArray(body.stop_sequences) ?? []).filter((sequence): sequence is string => typeof sequence === 'string'),
    reasoning,
    ...cacheCheckpointsOf(body),
  };
}

/** A Claude-on-Bedrock id with its real prefix, derived from a per-call id so ids differ per call. */
function bedrockId(prefix: string, seed: string): string {
  return `${prefix}01${seed.replace(/[^a-zA-Z0-9]/g, '').slice(0, 22).padEnd(22, 'A')}`;
}

/** A neutral tool-use id (`tooluse_…`) as Claude writes it (`toolu_bdrk_01…`); other ids pass through. */
function claudeToolUseId(id: string): string {
  return id.startsWith('tooluse_') ? `toolu_bdrk_01${id.slice('tooluse_'.length)}` : id;
}

function claudeStopReason(stopReason: ChatStopReason): string {
  if (stopReason === 'content_filtered') return 'refusal';
  if (stopReason === 'end_turn' || stopReason === 'max_tokens' || stopReason === 'stop_sequence' || stopReason === 'tool_use') return stopReason;
  return 'end_turn';
}

function messageShell(context: InvokeContext) {
  return { id: bedrockId('msg_bdrk_', context.requestId), type: 'message', role: 'assistant', model: anthropicModelName(context.model.baseModelId) };
}

/** `cache_control` blocks, carried as neutral checkpoints (absent when there are none). */
function cacheCheckpointsOf(body: Record<string, unknown>): Pick<ChatRequest, 'cacheCheckpoints'> {
  const cacheCheckpoints = anthropicCacheCheckpoints(body);
  return cacheCheckpoints.length > 0 ? { cacheCheckpoints } : {};
}


type BlockKind = 'text' | 'thinking' | 'tool_use' | 'redacted_thinking';

/** Claude's stream: `message_start`, per block start/deltas/stop, `message_delta`, `message_stop`. */
function streamEncoder(context: InvokeContext): InvokeStreamEncoder {
  const blocks = new ContentBlockTracker<BlockKind>();
  let started = false;
  const stopChunk = (index: number | undefined): Record<string, unknown>[] => (index === undefined ? [] : [{ type: 'content_block_stop', index }]);
  const openBlock = (kind: BlockKind, contentBlock: Record<string, unknown>): Record<string, unknown>[] => {
    const { index, closed } = blocks.open(kind);
    return [...stopChunk(closed), { type: 'content_block_start', index, content_block: contentBlock }];
  };
  const delta = (kind: BlockKind, start: Record<string, unknown>, deltaBody: Record<string, unknown>) => {
    const { index, closed, opened } = blocks.continue(kind);
    const chunks = [...stopChunk(closed), ...(opened ? [{ type: 'content_block_start', index, content_block: start }] : [])];
    chunks.push({ type: 'content_block_delta', index, delta: deltaBody });
    return chunks;
  };
  return {
    encode(event: ChatStreamEvent) {
      const chunks: Record<string, unknown>[] = [];
      if (!started) {
        started = true;
        const message = { ...messageShell(context), content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(withPromptCacheUsage({ inputTokens: countChatRequestTokens(context.request), outputTokens: 1 }, context.promptCache)) };
        chunks.push({ type: 'message_start', message });
      }
      switch (event.type) {
        case 'textDelta':
          chunks.push(...delta('text', { type: 'text', text: '' }, { type: 'text_delta', text: event.text }));
          break;
        case 'reasoningDelta':
          chunks.push(...delta('thinking', { type: 'thinking', thinking: '' }, { type: 'thinking_delta', thinking: event.text }));
          break;
        case 'reasoningSignature':
          chunks.push(...delta('thinking', { type: 'thinking', thinking: '' }, { type: 'signature_delta', signature: event.signature }));
          break;
        case 'redactedReasoning':
          chunks.push(...openBlock('redacted_thinking', { type: 'redacted_thinking', data: toBase64(event.data) }));
          break;
        case 'toolUseStart':
          chunks.push(...openBlock('tool_use', { type: 'tool_use', id: claudeToolUseId(event.id), name: event.name, input: {} }));
          break;
        case 'toolUseDelta':
          chunks.push({ type: 'content_block_delta', index: blocks.index ?? 0, delta: { type: 'input_json_delta', partial_json: event.input } });
          break;
        case 'finish':
          chunks.push(...stopChunk(blocks.close()));
          chunks.push({
            type: 'message_delta',
            delta: { stop_reason: claudeStopReason(event.stopReason), stop_sequence: event.stopSequence ?? null },
            usage: { output_tokens: event.usage.outputTokens, ...anthropicDeltaCacheUsage(event.usage) },
          });
          chunks.push({ type: 'message_stop' });
          break;
      }
      return chunks;
    },
  };
}

/** Claude Messages API bodies ↔ neutral chat. */
export const anthropicMessagesCodec: InvokeChatCodec = {
  name: 'anthropic-messages',
  // The version key is what sets a Messages body apart (Nova and Chat Completions bodies have messages too).
  accepts: (body) => body.anthropic_version !== undefined && body.prompt === undefined,
  decode,
  encode(answer, context) {
    const content = answer.content.map((part) => {
      switch (part.type) {
        case 'text':
          return { type: 'text', text: part.text };
        case 'toolUse':
          return { type: 'tool_use', id: claudeToolUseId(part.id), name: part.name, input: part.input };
        case 'reasoning':
          return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
        case 'redactedReasoning':
          return { type: 'redacted_thinking', data: toBase64(part.data) };
      }
    });
    return {
      ...messageShell(context),
      content,
      stop_reason: claudeStopReason(answer.stopReason),
      stop_sequence: answer.stopSequence ?? null,
      usage: anthropicUsage(answer.usage),
    };
  },
  streamEncoder,
};
