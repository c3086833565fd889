import type { ChatCacheCheckpoint } from '../chat/types.js';
import { asArray, asObject } from '../codecs/json-values.js';

/**
 * Claude Messages `cache_control` (on `tools[]`, `system[]` and message content blocks) → neutral
 * checkpoints. A `cache_control` caches everything up to and including its block. Positions follow the
 * Messages decoder: custom tools only, text system blocks, and consecutive turns of one role joined into one.
 */

function ttlOf(block: Record<string, unknown>): '5m' | '1h' | undefined {
  const control = asObject(block.cache_control);
  if (!control) return undefined;
  return control.ttl === '1h' ? '1h' : '5m';
}

/**
 * The checkpoints of a Claude Messages body, in request order.
 *
 * @example
 * anthropicCacheCheckpoints({ system: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }], messages: [] });
 * // [{ section: 'system', after: 1, ttl: '5m', blockPath: 'system.0' }]
 */
export function anthropicCacheCheckpoints(body: Record<string, unknown>): ChatCacheCheckpoint[] {
  const checkpoints: ChatCacheCheckpoint[] = [];
  let tools = 0;
  (asArray(body.tools) ?? []).forEach((raw, index) => {
    const tool = asObject(raw) ?? {};
    if (tool.type === undefined || tool.type === 'custom') tools += 1;
    const ttl = ttlOf(tool);
    if (ttl) checkpoints.push({ section: 'tools', after: tools, ttl, blockPath: `tools.${index}` });
  });
  let system = 0;
  (asArray(body.system) ?? []).forEach((raw, index) => {
    const block = asObject(raw) ?? {};
    if (typeof block.text === 'string') system += 1;
    const ttl = ttlOf(block);
    if (ttl) checkpoints.push({ section: 'system', after: system, ttl, blockPath: `system.${index}` });
  });
  let merged = -1;
  let parts = 0;
  let previousRole: unknown;
  (asArray(body.messages) ?? []).forEach((rawMessage, index) => {
    const message = asObject(rawMessage) ?? {};
    if (merged < 0 || message.role !== previousRole) {
      merged += 1;
      parts = 0;
    }
    previousRole = message.role;
    if (typeof message.content === 'string') {
      parts += 1;
      return;
    }
    (asArray(message.content) ?? []).forEach((raw, blockIndex) => {
      parts += 1;
      const ttl = ttlOf(asObject(raw) ?? {});
      if (ttl) checkpoints.push({ section: 'messages', message: merged, after: parts, ttl, blockPath: `messages.${index}.content.${blockIndex}` });
    });
  });
  return checkpoints;
}
