/**
 * Which models cache prompts, from how many tokens, and with which TTLs. Bedrock's prompt-caching page lists
 * Claude 3.7 Sonnet, Claude 3.5 Haiku and Nova; the Claude 4.x minimums follow Anthropic's own table, and
 * the 1-hour TTL exists for Claude 4.5 and later only.
 */

/**
 * What one model's prompt cache accepts.
 *
 * @example
 * const support: PromptCacheSupport = { provider: 'anthropic', minimumTokens: 1024, tools: true, extendedTtl: true };
 */
export interface PromptCacheSupport {
  /** The provider whose rules and error wording apply. */
  provider: 'anthropic' | 'amazon-nova';
  /** A checkpoint whose prefix counts fewer tokens is accepted but caches nothing. */
  minimumTokens: number;
  /** Whether checkpoints among the tools are honoured (Nova caches only `system` and `messages`). */
  tools: boolean;
  /** Whether `ttl: "1h"` is accepted. */
  extendedTtl: boolean;
}

const anthropic = (minimumTokens: number, extendedTtl: boolean): PromptCacheSupport => ({ provider: 'anthropic', minimumTokens, tools: true, extendedTtl });

// First match wins: the 4.5+ lines precede the Claude 4 line whose pattern would also match them.
const SUPPORT: ReadonlyArray<readonly [RegExp, PromptCacheSupport]> = [
  [/^anthropic\.claude-(sonnet-4-[6-9]|sonnet-5)/, anthropic(2048, true)],
  [/^anthropic\.claude-(haiku-4-5|opus-4-[5-9]|opus-5)/, anthropic(4096, true)],
  [/^anthropic\.claude-sonnet-4-5/, anthropic(1024, true)],
  [/^anthropic\.claude-(3-7-sonnet|sonnet-4|opus-4)/, anthropic(1024, false)],
  [/^anthropic\.claude-(3-5-haiku|3-haiku)/, anthropic(2048, false)],
  [/^anthropic\.claude-3-5-sonnet-20241022-v2/, anthropic(1024, false)],
  [/^amazon\.nova-(micro|lite|pro|premier)/, { provider: 'amazon-nova', minimumTokens: 1000, tools: false, extendedTtl: false }],
];

/**
 * The prompt-cache rules of a base model id, or `undefined` when the model does not cache (its checkpoints
 * are ignored and the request succeeds).
 *
 * @example
 * promptCacheSupport('anthropic.claude-sonnet-4-5-20250929-v1:0'); // { provider: 'anthropic', minimumTokens: 1024, tools: true, extendedTtl: true }
 * promptCacheSupport('meta.llama3-1-8b-instruct-v1:0'); // undefined
 */
export function promptCacheSupport(baseModelId: string): PromptCacheSupport | undefined {
  return SUPPORT.find(([pattern]) => pattern.test(baseModelId))?.[1];
}
