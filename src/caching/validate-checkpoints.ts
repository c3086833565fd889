import type { ChatCacheCheckpoint } from '../chat/types.js';
import { validationError } from '../errors/bedrock-errors.js';
import type { PromptCacheSupport } from './cache-support.js';

/**
 * The service's checks of prompt-cache checkpoints. Claude's own wording is passed through: bare on
 * InvokeModel, after "The model returned the following errors: " on Converse, as Bedrock reports it.
 */

/**
 * At most this many checkpoints per request.
 *
 * @example
 * if (checkpoints.length > MAX_CACHE_CHECKPOINTS) reject();
 */
export const MAX_CACHE_CHECKPOINTS = 4;

/**
 * Throws the ValidationException Bedrock returns for checkpoints in processing order: more than four, a
 * `1h` TTL the model does not offer, or a `1h` checkpoint after a `5m` one.
 *
 * @example
 * checkCacheCheckpoints(orderedCheckpoints(request.cacheCheckpoints ?? []), support, 'Converse');
 */
export function checkCacheCheckpoints(ordered: readonly ChatCacheCheckpoint[], support: PromptCacheSupport, operation: 'Converse' | 'InvokeModel'): void {
  const fail = (message: string): never => {
    const prefixed = operation === 'Converse' && support.provider === 'anthropic';
    throw validationError(prefixed ? `The model returned the following errors: ${message}` : message);
  };
  if (ordered.length > MAX_CACHE_CHECKPOINTS) {
    fail(`A maximum of ${MAX_CACHE_CHECKPOINTS} blocks with cache_control may be provided. Found ${ordered.length}.`);
  }
  let seenShort = false;
  for (const checkpoint of ordered) {
    if (checkpoint.ttl === '1h' && !support.extendedTtl) {
      fail(support.provider === 'anthropic' ? `${checkpoint.blockPath}.cache_control.ephemeral.ttl: Extra inputs are not permitted` : 'Extended TTL prompt caching is only supported for Anthropic models');
    }
    if (checkpoint.ttl === '1h' && seenShort) {
      fail(
        `${checkpoint.blockPath}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`,
      );
    }
    if (checkpoint.ttl === '5m') seenShort = true;
  }
}
