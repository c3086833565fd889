import type { ChatUsage } from '../chat/types.js';

/**
 * Where each wire reports cache tokens, under its own names: Converse `usage`, Claude's native `usage`,
 * Nova's native `usage`, InvokeModel headers, and the invocation metrics of a stream's last chunk.
 */

/**
 * Converse `usage` cache members (`cacheReadInputTokens`, `cacheWriteInputTokens`, `cacheDetails`), present
 * only when the request used the cache.
 *
 * @example
 * converseCacheFields({ inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 0, cacheWriteInputTokens: 1200, cacheDetails: [{ ttl: '5m', inputTokens: 1200 }] });
 */
export function converseCacheFields(usage: ChatUsage): Record<string, unknown> {
  if (usage.cacheReadInputTokens === undefined && usage.cacheWriteInputTokens === undefined) return {};
  const fields: Record<string, unknown> = { cacheReadInputTokens: usage.cacheReadInputTokens ?? 0, cacheWriteInputTokens: usage.cacheWriteInputTokens ?? 0 };
  if (usage.cacheDetails && usage.cacheDetails.length > 0) fields.cacheDetails = usage.cacheDetails.map((detail) => ({ ...detail }));
  return fields;
}

/**
 * Every input token of a call: uncached, read and written, which is what `totalTokens` adds to the output.
 *
 * @example
 * allInputTokens({ inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000 }); // 1010
 */
export function allInputTokens(usage: ChatUsage): number {
  return usage.inputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0);
}

/**
 * Claude's native `usage` (InvokeModel bodies and stream chunks), with `cache_creation` split by TTL when
 * the request used the cache.
 *
 * @example
 * anthropicUsage({ inputTokens: 21, outputTokens: 393 }); // { input_tokens: 21, output_tokens: 393, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
 */
export function anthropicUsage(usage: ChatUsage): Record<string, unknown> {
  const body: Record<string, unknown> = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteInputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
  };
  if (usage.cacheDetails) {
    const written = (ttl: '5m' | '1h') => usage.cacheDetails?.find((detail) => detail.ttl === ttl)?.inputTokens ?? 0;
    body.cache_creation = { ephemeral_5m_input_tokens: written('5m'), ephemeral_1h_input_tokens: written('1h') };
  }
  return body;
}

/**
 * The cache members of the usage in Claude's final `message_delta`, present when the request used the cache
 * (the totals of the call, as in `message_start`).
 *
 * @example
 * anthropicDeltaCacheUsage({ inputTokens: 5, outputTokens: 9, cacheReadInputTokens: 1200, cacheWriteInputTokens: 0 });
 * // { input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 1200 }
 */
export function anthropicDeltaCacheUsage(usage: ChatUsage): Record<string, number> {
  if (usage.cacheReadInputTokens === undefined && usage.cacheWriteInputTokens === undefined) return {};
  return { input_tokens: usage.inputTokens, cache_creation_input_tokens: usage.cacheWriteInputTokens ?? 0, cache_read_input_tokens: usage.cacheReadInputTokens ?? 0 };
}

/**
 * The cache members of Nova's native `usage` (`cacheReadInputTokenCount`, `cacheWriteInputTokenCount`).
 *
 * @example
 * novaCacheFields({ inputTokens: 3, outputTokens: 4 }); // { cacheReadInputTokenCount: 0, cacheWriteInputTokenCount: 0 }
 */
export function novaCacheFields(usage: ChatUsage): { cacheReadInputTokenCount: number; cacheWriteInputTokenCount: number } {
  return { cacheReadInputTokenCount: usage.cacheReadInputTokens ?? 0, cacheWriteInputTokenCount: usage.cacheWriteInputTokens ?? 0 };
}

/**
 * The `X-Amzn-Bedrock-Cache-Read/Write-Input-Token-Count` headers of a non-streaming InvokeModel (`0` when
 * nothing was read or written, as Bedrock sends them).
 *
 * @example
 * cacheHeaders({ inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 1200 });
 * // { 'x-amzn-bedrock-cache-read-input-token-count': '1200', 'x-amzn-bedrock-cache-write-input-token-count': '0' }
 */
export function cacheHeaders(usage: Pick<ChatUsage, 'cacheReadInputTokens' | 'cacheWriteInputTokens'>): Record<string, string> {
  return {
    'x-amzn-bedrock-cache-read-input-token-count': String(usage.cacheReadInputTokens ?? 0),
    'x-amzn-bedrock-cache-write-input-token-count': String(usage.cacheWriteInputTokens ?? 0),
  };
}

/**
 * The cache members of `amazon-bedrock-invocationMetrics`, present when the request used the cache.
 *
 * @example
 * cacheInvocationMetrics({ inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 1200, cacheWriteInputTokens: 0 });
 * // { cacheReadInputTokenCount: 1200, cacheWriteInputTokenCount: 0 }
 */
export function cacheInvocationMetrics(usage: ChatUsage): Record<string, number> {
  if (usage.cacheReadInputTokens === undefined && usage.cacheWriteInputTokens === undefined) return {};
  return { cacheReadInputTokenCount: usage.cacheReadInputTokens ?? 0, cacheWriteInputTokenCount: usage.cacheWriteInputTokens ?? 0 };
}
