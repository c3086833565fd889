import type { ChatCacheCheckpoint, ChatRequest } from '../chat/types.js';
import { toBase64 } from '../codecs/json-values.js';

/**
 * The part of a request before a checkpoint, in the model's processing order `tools` → `system` →
 * `messages`, and its exact serialization (the cache key: any change before the checkpoint misses).
 */

const SECTION_ORDER = { tools: 0, system: 1, messages: 2 } as const;

/**
 * Checkpoints in processing order: tools, then system, then messages (by message, then position).
 *
 * @example
 * orderedCheckpoints(request.cacheCheckpoints ?? []);
 */
export function orderedCheckpoints(checkpoints: readonly ChatCacheCheckpoint[]): ChatCacheCheckpoint[] {
  const rank = (checkpoint: ChatCacheCheckpoint) => [SECTION_ORDER[checkpoint.section], checkpoint.section === 'messages' ? checkpoint.message : 0, checkpoint.after] as const;
  return checkpoints
    .map((checkpoint, index) => ({ checkpoint, index }))
    .sort((left, right) => {
      const a = rank(left.checkpoint);
      const b = rank(right.checkpoint);
      return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || left.index - right.index;
    })
    .map(({ checkpoint }) => checkpoint);
}

/**
 * The request cut at a checkpoint: what the model reads before it. Sampling settings are kept, since token
 * counting reads `modelId` and the tool choice.
 *
 * @example
 * promptPrefix(request, { section: 'system', after: 1, ttl: '5m', blockPath: 'system.0' }); // tools + first system block, no messages
 */
export function promptPrefix(request: ChatRequest, checkpoint: ChatCacheCheckpoint): ChatRequest {
  switch (checkpoint.section) {
    case 'tools':
      return { ...request, tools: request.tools.slice(0, checkpoint.after), system: [], messages: [] };
    case 'system':
      return { ...request, system: request.system.slice(0, checkpoint.after), messages: [] };
    case 'messages': {
      const cut = request.messages[checkpoint.message];
      const messages = request.messages.slice(0, checkpoint.message);
      if (cut) messages.push({ role: cut.role, content: cut.content.slice(0, checkpoint.after) });
      return { ...request, messages };
    }
  }
}

/**
 * The exact text of a prefix: tools, system and messages (binary content as base64). The tool choice is
 * part of it once messages are, as a change of tool choice invalidates cached messages.
 *
 * @example
 * serializePrefix(promptPrefix(request, checkpoint));
 */
export function serializePrefix(prefix: ChatRequest): string {
  const content = { tools: prefix.tools, system: prefix.system, messages: prefix.messages, ...(prefix.messages.length > 0 ? { toolChoice: prefix.toolChoice } : {}) };
  return JSON.stringify(content, (_key, value: unknown) => (value instanceof Uint8Array ? toBase64(value) : value));
}
