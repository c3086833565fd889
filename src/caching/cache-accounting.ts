import type { ChatCacheDetail, ChatCacheTtl, ChatRequest, ChatStreamEvent, ChatUsage } from '../chat/types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import type { ResolvedModel } from '../models/registry.js';
import { countChatRequestTokens } from '../tokens/count-chat-request.js';
import { promptCacheSupport } from './cache-support.js';
import { orderedCheckpoints, promptPrefix, serializePrefix } from './prompt-prefix.js';
import { checkCacheCheckpoints } from './validate-checkpoints.js';

/**
 * What one request reads from and writes to the runtime's prompt cache. The longest cached prefix is read;
 * the tokens from there to the last checkpoint that reaches the model's minimum are written, each stretch
 * under the TTL of the checkpoint that ends it; the rest is ordinary input. The backend still receives the
 * whole prompt: only the accounting changes.
 */

/**
 * A request's cache reads and writes, in tokens.
 *
 * @example
 * const usage: PromptCacheUsage = { cacheReadInputTokens: 1200, cacheWriteInputTokens: 300, cacheDetails: [{ ttl: '5m', inputTokens: 300 }] };
 */
export interface PromptCacheUsage {
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  /** Writes by TTL, 1h before 5m; empty when nothing was written. */
  cacheDetails: ChatCacheDetail[];
}

/**
 * Validates the request's checkpoints and settles them against the cache (reading refreshes, writing
 * stores). `undefined` when the request has no checkpoints, the model does not cache (its checkpoints are
 * ignored, as Bedrock ignores them) or the runtime's prompt cache is off.
 *
 * @example
 * const cache = accountPromptCache(runtime, model, parsed.chat, 'Converse');
 * const usage = withPromptCacheUsage(answer.usage, cache);
 */
export function accountPromptCache(
  runtime: Pick<LocalBedrockRuntime, 'promptCache'>,
  model: Pick<ResolvedModel, 'baseModelId'>,
  request: ChatRequest,
  operation: 'Converse' | 'InvokeModel',
): PromptCacheUsage | undefined {
  const checkpoints = request.cacheCheckpoints ?? [];
  if (checkpoints.length === 0) return undefined;
  const support = promptCacheSupport(model.baseModelId);
  if (!support) return undefined;
  const ordered = orderedCheckpoints(checkpoints);
  checkCacheCheckpoints(ordered, support, operation);
  const cache = runtime.promptCache;
  if (!cache.enabled) return undefined;

  const points = ordered
    .filter((checkpoint) => support.tools || checkpoint.section !== 'tools')
    .map((checkpoint) => {
      const prefix = promptPrefix(request, checkpoint);
      return { ttl: checkpoint.ttl, text: serializePrefix(prefix), tokens: countChatRequestTokens(prefix) };
    });
  let hit = -1;
  for (let index = points.length - 1; index >= 0 && hit < 0; index -= 1) {
    if (cache.read(model.baseModelId, points[index]!.text)) hit = index;
  }
  // A read of a longer prefix keeps the shorter cached prefixes inside it alive too.
  points.slice(0, Math.max(0, hit)).forEach((point) => cache.read(model.baseModelId, point.text));
  const read = hit >= 0 ? points[hit]!.tokens : 0;
  let boundary = read;
  const written: Record<ChatCacheTtl, number> = { '1h': 0, '5m': 0 };
  for (const point of points.slice(hit + 1)) {
    // Below the minimum a checkpoint is accepted and caches nothing; its tokens join the next one's write.
    if (point.tokens < support.minimumTokens) continue;
    cache.write(model.baseModelId, point.text, point.ttl);
    written[point.ttl] += Math.max(0, point.tokens - boundary);
    boundary = Math.max(boundary, point.tokens);
  }
  const cacheDetails = (['1h', '5m'] as const).filter((ttl) => written[ttl] > 0).map((ttl) => ({ ttl, inputTokens: written[ttl] }));
  return { cacheReadInputTokens: read, cacheWriteInputTokens: boundary - read, cacheDetails };
}

/**
 * Usage as reported with a cache: `inputTokens` keeps only the tokens neither read nor written, so the three
 * add up to the backend's input count (cache counts are capped by it when a backend counts differently).
 *
 * @example
 * withPromptCacheUsage({ inputTokens: 1500, outputTokens: 20 }, { cacheReadInputTokens: 0, cacheWriteInputTokens: 1200, cacheDetails: [{ ttl: '5m', inputTokens: 1200 }] });
 * // { inputTokens: 300, outputTokens: 20, cacheReadInputTokens: 0, cacheWriteInputTokens: 1200, cacheDetails: [...] }
 */
export function withPromptCacheUsage(usage: ChatUsage, cache: PromptCacheUsage | undefined): ChatUsage {
  if (!cache) return usage;
  const total = usage.inputTokens;
  const read = Math.min(cache.cacheReadInputTokens, total);
  const write = Math.min(cache.cacheWriteInputTokens, total - read);
  let excess = cache.cacheWriteInputTokens - write;
  // Trim the 5m writes first (they come last in the prompt) when the backend counted fewer tokens.
  const cacheDetails = [...cache.cacheDetails]
    .reverse()
    .map((detail) => {
      const cut = Math.min(excess, detail.inputTokens);
      excess -= cut;
      return { ttl: detail.ttl, inputTokens: detail.inputTokens - cut };
    })
    .reverse()
    .filter((detail) => detail.inputTokens > 0);
  return { ...usage, inputTokens: total - read - write, cacheReadInputTokens: read, cacheWriteInputTokens: write, cacheDetails };
}

/**
 * A stream event with the cache applied to the usage of its `finish`; other events pass unchanged.
 *
 * @example
 * encoder.encode(withPromptCacheEvent(event, cache));
 */
export function withPromptCacheEvent(event: ChatStreamEvent, cache: PromptCacheUsage | undefined): ChatStreamEvent {
  return event.type === 'finish' && cache ? { ...event, usage: withPromptCacheUsage(event.usage, cache) } : event;
}
